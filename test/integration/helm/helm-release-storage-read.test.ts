import { CoreV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHelm, HelmError, type Helm } from '../../../activities/helm/helm.js';
import { readLatestRelease } from '../../../activities/helm/release-storage.js';
import { loadKubeConfig } from '../../../activities/kube/client.js';
import { writeTestChart } from '../../../tools/localenv/chart-repo.js';
import { toolPath } from '../../../tools/toolchain/build.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';
import { createReadyNamespace } from '../../support/namespace.js';

/** A ConfigMap the apiserver refuses (upper-case name): the upgrade records a failed revision. */
const INVALID = `apiVersion: v1
kind: ConfigMap
metadata:
  name: Not-A-Valid-Name
data: { a: b }
`;

/**
 * observeRelease and the action activities read the latest release from helm's storage instead of
 * running `helm status`: the two must agree field for field in every state a release goes through.
 */
describe('readLatestRelease: the latest release read from helm storage, as helm status gives it', () => {
  let env: TestEnv;
  let core: CoreV1Api;
  let helm: Helm;
  let work: string;

  before(async () => {
    env = await useLocalEnv();
    core = loadKubeConfig({ kubeconfigPath: env.kubeconfigPath }).makeApiClient(CoreV1Api);
    // A zone other than UTC, so helm stores local times with an offset, as it would on such a host.
    helm = createHelm({ binary: toolPath('helm'), kubeconfigPath: env.kubeconfigPath, env: { TZ: 'Asia/Kolkata' } });
    work = await mkdtemp(path.join(tmpdir(), 'helm-storage-read-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
    await env?.release();
  });

  const same = async (ref: { releaseName: string; namespace: string }, what: string): Promise<void> => {
    const fromHelm = await helm.status(ref);
    assert.ok(fromHelm, `${what}: helm status found the release`);
    assert.deepEqual(await readLatestRelease(core, ref), fromHelm, what);
  };

  it('agrees through install, a test run, an upgrade and a failed upgrade; undefined when absent', async () => {
    const namespace = uniqueName('helm-read');
    await createReadyNamespace(core, namespace);
    const ref = { releaseName: 'app', namespace };
    assert.equal(await readLatestRelease(core, ref), undefined, 'no release yet');

    const v1 = await writeTestChart(path.join(work, 'v1'), { name: 'app', version: '1.0.0', testHook: 'job' });
    await helm.install({ ...ref, chart: v1, timeoutMs: 30_000, wait: true, description: 'ballast config=sha256:1' });
    await same(ref, 'installed, test hook never run');
    const installed = await readLatestRelease(core, ref);
    assert.match(installed?.lastDeployed ?? '', /Z$/, 'times in UTC, as the template prints them');

    await helm.test({ ...ref, timeoutMs: 30_000 });
    await same(ref, 'after helm test');
    assert.equal((await readLatestRelease(core, ref))?.tests[0]?.phase, 'Succeeded');

    const v2 = await writeTestChart(path.join(work, 'v2'), { name: 'app', version: '2.0.0', appVersion: '2.1' });
    await helm.upgrade({ ...ref, chart: v2, timeoutMs: 30_000, wait: false, maxHistory: 5 });
    await same(ref, 'upgraded');
    assert.equal((await readLatestRelease(core, ref))?.revision, 2);

    const bad = await writeTestChart(path.join(work, 'bad'), {
      name: 'app',
      version: '3.0.0',
      templates: { 'cm.yaml': INVALID },
    });
    await assert.rejects(
      helm.upgrade({ ...ref, chart: bad, timeoutMs: 30_000, wait: false, maxHistory: 5 }),
      (err: unknown) => err instanceof HelmError
    );
    await same(ref, 'failed upgrade');
    assert.equal((await readLatestRelease(core, ref))?.status, 'failed');
  });
});

import { CoreV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHelm, HelmError, type Helm } from '../../../activities/helm/helm.js';
import { loadKubeConfig } from '../../../activities/kube/client.js';
import { writeTestChart } from '../../../tools/localenv/chart-repo.js';
import { toolPath } from '../../../tools/toolchain/build.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';
import { createReadyNamespace } from '../../support/namespace.js';

/**
 * kwok runs Pods to Running but completes only Pods a Job owns (its pod-complete Stage selects on
 * the owner kind), so a Job test hook succeeds here while a bare Pod hook stays Running until
 * `helm test` times out; that case checks the classification instead of a pass.
 */
describe('helm test against kwok', () => {
  let env: TestEnv;
  let core: CoreV1Api;
  let helm: Helm;
  let work: string;

  before(async () => {
    env = await useLocalEnv();
    core = loadKubeConfig({ kubeconfigPath: env.kubeconfigPath }).makeApiClient(CoreV1Api);
    helm = createHelm({ binary: toolPath('helm'), kubeconfigPath: env.kubeconfigPath });
    work = await mkdtemp(path.join(tmpdir(), 'helm-test-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
    await env?.release();
  });

  async function installWithHook(hook: 'job' | 'pod'): Promise<{ releaseName: string; namespace: string }> {
    const namespace = uniqueName('helm-test');
    await createReadyNamespace(core, namespace);
    const chart = await writeTestChart(path.join(work, namespace), {
      name: 'tested',
      version: '0.1.0',
      testHook: hook,
    });
    const ref = { releaseName: 'app', namespace };
    const rel = await helm.install({ ...ref, chart, timeoutMs: 30_000, wait: true });
    assert.deepEqual(rel.tests, [{ name: 'app-test', kind: hook === 'job' ? 'Job' : 'Pod' }], 'listed, never run');
    return ref;
  }

  it('a Job test hook passes and its run is recorded on the release', async () => {
    const ref = await installWithHook('job');
    const { tests } = await helm.test({ ...ref, timeoutMs: 30_000 });
    assert.equal(tests.length, 1);
    assert.equal(tests[0]?.name, 'app-test');
    assert.equal(tests[0]?.phase, 'Succeeded');
    assert.ok(Date.parse(tests[0]?.completedAt ?? '') >= Date.parse(tests[0]?.startedAt ?? ''));
    assert.equal((await helm.status(ref))?.tests[0]?.phase, 'Succeeded');
  });

  it('a Pod test hook never completes under kwok: retryable kind timeout', async () => {
    const ref = await installWithHook('pod');
    await assert.rejects(helm.test({ ...ref, timeoutMs: 2_000 }), (err: unknown) => {
      assert.ok(err instanceof HelmError, String(err));
      assert.equal(err.kind, 'timeout', err.message);
      assert.equal(err.permanent, false);
      assert.match(err.message, /Pod\/.*app-test not ready/);
      return true;
    });
  });

  it('filters exclude a test by name', async () => {
    const ref = await installWithHook('pod');
    const { tests } = await helm.test({ ...ref, timeoutMs: 5_000, filters: [{ name: 'app-test', exclude: true }] });
    assert.equal(tests[0]?.phase, undefined, 'the excluded hook never ran');
  });
});

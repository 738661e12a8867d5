import { CoreV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHelm, pendingRelease, type Helm } from '../../../activities/helm/helm.js';
import { loadKubeConfig } from '../../../activities/kube/client.js';
import { writeTestChart } from '../../../tools/localenv/chart-repo.js';
import { toolPath } from '../../../tools/toolchain/build.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';
import { createReadyNamespace } from '../../support/namespace.js';

describe('a release through install, upgrade, rollback and uninstall with the real helm', () => {
  let env: TestEnv;
  let core: CoreV1Api;
  let helm: Helm;
  let work: string;
  let chart: string;
  const namespace = uniqueName('helm-life');
  const releaseName = 'web';
  const ref = { releaseName, namespace };
  const common = { ...ref, timeoutMs: 30_000, wait: true } as const;

  before(async () => {
    env = await useLocalEnv();
    core = loadKubeConfig({ kubeconfigPath: env.kubeconfigPath }).makeApiClient(CoreV1Api);
    await createReadyNamespace(core, namespace);
    helm = createHelm({ binary: toolPath('helm'), kubeconfigPath: env.kubeconfigPath });
    work = await mkdtemp(path.join(tmpdir(), 'helm-life-'));
    chart = await writeTestChart(path.join(work, 'web'), { name: 'web', version: '1.0.0', appVersion: '2.3.4' });
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
    await env?.release();
  });

  const configValue = async (): Promise<string | undefined> =>
    (await core.readNamespacedConfigMap({ namespace, name: 'web-config' })).data?.greeting;

  it('install: revision 1 deployed, and the ConfigMap holds the value', async () => {
    const rel = await helm.install({ ...common, chart, values: { data: { greeting: 'hello' } } });
    assert.equal(rel.name, releaseName);
    assert.equal(rel.namespace, namespace);
    assert.equal(rel.revision, 1);
    assert.equal(rel.status, 'deployed');
    assert.equal(rel.chartName, 'web');
    assert.equal(rel.chartVersion, '1.0.0');
    assert.equal(rel.appVersion, '2.3.4');
    assert.equal(rel.applyMethod, 'ssa', 'Helm 4 applies server-side by default');
    assert.equal(await configValue(), 'hello');
    const status = await helm.status(ref);
    assert.equal(status?.revision, 1);
    assert.equal(status?.status, 'deployed');
    assert.equal(pendingRelease(status), false);
  });

  it('upgrade with new values: revision 2 and the value changed', async () => {
    const rel = await helm.upgrade({ ...common, chart, values: { data: { greeting: 'bonjour' } }, maxHistory: 5 });
    assert.equal(rel.revision, 2);
    assert.equal(rel.status, 'deployed');
    assert.equal(await configValue(), 'bonjour');
  });

  it('history lists both revisions, oldest first', async () => {
    const history = await helm.history(ref);
    assert.deepEqual(
      history.map((h) => [h.revision, h.status, h.chart, h.appVersion]),
      [
        [1, 'superseded', 'web-1.0.0', '2.3.4'],
        [2, 'deployed', 'web-1.0.0', '2.3.4'],
      ]
    );
    assert.match(history[1]?.description ?? '', /Upgrade complete/);
    assert.ok(!Number.isNaN(Date.parse(history[0]?.updated ?? '')));
    assert.deepEqual(
      (await helm.history({ ...ref, max: 1 })).map((h) => h.revision),
      [2]
    );
  });

  it('getValues returns the user values per revision, or all computed values', async () => {
    assert.deepEqual(await helm.getValues(ref), { data: { greeting: 'bonjour' } });
    assert.deepEqual(await helm.getValues({ ...ref, revision: 1 }), { data: { greeting: 'hello' } });
    const all = await helm.getValues({ ...ref, all: true });
    assert.deepEqual(all.data, { greeting: 'bonjour' });
  });

  it('getManifest returns the stored manifest of a revision', async () => {
    assert.match(await helm.getManifest({ ...ref, revision: 1 }), /kind: ConfigMap[\s\S]*greeting: "hello"/);
    assert.match(await helm.getManifest(ref), /greeting: "bonjour"/);
  });

  it('an upgrade with empty values resets them instead of silently reusing the previous ones', async () => {
    const rel = await helm.upgrade({ ...common, chart, values: {}, maxHistory: 5 });
    assert.equal(rel.revision, 3);
    assert.equal(await configValue(), 'hello', 'the chart default, not the previous release value');
    assert.deepEqual(await helm.getValues(ref), {});
  });

  it('rollback to revision 1 restores its value as a new revision', async () => {
    await helm.upgrade({ ...common, chart, values: { data: { greeting: 'hola' } }, maxHistory: 5 });
    const rel = await helm.rollback({ ...ref, revision: 2, timeoutMs: 30_000, wait: true });
    assert.equal(rel.revision, 5);
    assert.equal(rel.status, 'deployed');
    assert.equal(await configValue(), 'bonjour');
    const back = await helm.rollback({ ...ref, revision: 1, timeoutMs: 30_000, wait: false, force: true });
    assert.equal(back.revision, 6);
    assert.match(back.description ?? '', /Rollback to 1/);
    assert.equal(await configValue(), 'hello');
  });

  it('maxHistory bounds the stored revisions', async () => {
    await helm.upgrade({ ...common, chart, values: { data: { greeting: 'x' } }, maxHistory: 2 });
    assert.deepEqual(
      (await helm.history(ref)).map((h) => h.revision),
      [6, 7]
    );
  });

  it('template renders without installing', async () => {
    const manifest = await helm.template({
      releaseName: 'preview',
      namespace,
      chart,
      values: { data: { greeting: 'rendered' } },
    });
    assert.match(manifest, /name: preview-config/);
    assert.match(manifest, /greeting: "rendered"/);
    assert.equal(await helm.status({ releaseName: 'preview', namespace }), undefined);
  });

  it('uninstall: status is undefined, history is empty and the ConfigMap is gone', async () => {
    await helm.uninstall({ ...ref, timeoutMs: 30_000, wait: true });
    assert.equal(await helm.status(ref), undefined);
    assert.deepEqual(await helm.history(ref), []);
    await assert.rejects(configValue(), (err: unknown) => (err as { code?: number }).code === 404);
    await helm.uninstall({ ...ref, timeoutMs: 30_000, ignoreNotFound: true });
  });
});

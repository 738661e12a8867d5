import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../../api/helmrepository.js';
import { startChartRepo, writeTestChart, type ChartRepo } from '../../../tools/localenv/chart-repo.js';
import { startBallast, type BallastHarness } from '../../support/ballast.js';
import { condition, eventually, TestCluster, type FluxObject } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';

describe('HelmRelease: drift detection', () => {
  let env: TestEnv;
  let repo: ChartRepo;
  let ballast: BallastHarness;
  let cluster: TestCluster;
  const ns = uniqueName('hr-drift');
  let token = 0;

  before(async () => {
    env = await useLocalEnv();
    const dir = await mkdtemp(path.join(tmpdir(), 'ballast-charts-'));
    repo = await startChartRepo({
      charts: { app: await writeTestChart(path.join(dir, 'app'), { name: 'app', version: '1.0.0' }) },
    });
    ballast = await startBallast(env, ns);
    cluster = new TestCluster(ballast.kc);
    await cluster.createNamespace(ns);
    await cluster.createFlux(HelmRepositoryKind, ns, 'charts', { url: repo.url, interval: '1h' });
  });
  after(async () => {
    await ballast?.stop();
    await repo?.close();
    await env?.release();
  });

  const waitFor = (name: string, pred: (o: FluxObject) => boolean): Promise<FluxObject> =>
    eventually(
      async () => {
        const o = await cluster.getFlux(HelmReleaseKind, ns, name);
        return o && pred(o) ? o : undefined;
      },
      async () => JSON.stringify((await cluster.getFlux(HelmReleaseKind, ns, name))?.status ?? 'absent'),
      90_000
    );
  const greeting = async (name: string): Promise<string | undefined> =>
    ((await cluster.get('v1', 'ConfigMap', ns, `${name}-config`)) as { data?: Record<string, string> } | undefined)
      ?.data?.greeting;
  const editByHand = (name: string) =>
    cluster.core.patchNamespacedConfigMap(
      { namespace: ns, name: `${name}-config`, body: { data: { greeting: 'edited by hand' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
    );
  const install = async (name: string, mode: 'enabled' | 'warn', ignore?: unknown[]): Promise<void> => {
    await cluster.createFlux(HelmReleaseKind, ns, name, {
      interval: '1h',
      chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      values: { data: { greeting: 'from git', other: 'from git' } },
      driftDetection: { mode, ...(ignore ? { ignore } : {}) },
    });
    await waitFor(name, (o) => condition(o, 'Ready')?.status === 'True');
  };
  const reconcile = (name: string) =>
    cluster.patchFlux(HelmReleaseKind, ns, name, {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `t${++token}` } },
    });

  it('corrects a hand edit when the mode is enabled', async () => {
    await install('fixed', 'enabled');
    assert.notEqual(
      condition(await cluster.getFlux(HelmReleaseKind, ns, 'fixed'), 'Drifted')?.status,
      'True',
      'no drift right after install'
    );
    await editByHand('fixed');
    await reconcile('fixed');
    const o = await waitFor(
      'fixed',
      (x) => condition(x, 'Drifted')?.reason === 'DriftCorrected' && x.status?.lastHandledReconcileAt === `t${token}`
    );
    assert.equal(condition(o, 'Ready')?.status, 'True');
    assert.equal(await greeting('fixed'), 'from git');
  });

  it('reports a hand edit without touching it when the mode is warn', async () => {
    await install('warned', 'warn');
    await editByHand('warned');
    await reconcile('warned');
    const o = await waitFor('warned', (x) => condition(x, 'Drifted')?.status === 'True');
    assert.match(condition(o, 'Drifted')?.message ?? '', /ConfigMap\/.*warned-config/);
    assert.equal(await greeting('warned'), 'edited by hand');
  });
  it('leaves fields named by ignore rules alone and corrects the rest', async () => {
    await install('ignoring', 'enabled', [
      { paths: ['/data/greeting'], target: { kind: 'ConfigMap', name: '.*-config' } },
    ]);
    await editByHand('ignoring');
    await reconcile('ignoring');
    const quiet = await waitFor('ignoring', (x) => x.status?.lastHandledReconcileAt === `t${token}`);
    assert.notEqual(condition(quiet, 'Drifted')?.status, 'True', 'an ignored field is not drift');
    assert.equal(await greeting('ignoring'), 'edited by hand');

    await cluster.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'ignoring-config', body: { data: { other: 'edited too' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
    );
    await reconcile('ignoring');
    await waitFor(
      'ignoring',
      (x) => condition(x, 'Drifted')?.reason === 'DriftCorrected' && x.status?.lastHandledReconcileAt === `t${token}`
    );
    const cm = (await cluster.get('v1', 'ConfigMap', ns, 'ignoring-config')) as { data?: Record<string, string> };
    assert.equal(cm.data?.other, 'from git', 'a field not ignored is corrected');
    assert.equal(cm.data?.greeting, 'edited by hand', 'the ignored field keeps its hand edit');
  });
});

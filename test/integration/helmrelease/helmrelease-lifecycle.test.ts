import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelmChartKind } from '../../../api/helmchart.js';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../../api/helmrepository.js';
import type { KindDescriptor } from '../../../api/meta.js';
import { startChartRepo, writeTestChart, type ChartRepo } from '../../../tools/localenv/chart-repo.js';
import { startBallast, type BallastHarness } from '../../support/ballast.js';
import { condition, eventually, TestCluster, type FluxObject } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';

describe('HelmRelease: install, upgrade on values, Secret and chart changes, uninstall on delete', () => {
  let env: TestEnv;
  let repo: ChartRepo;
  let ballast: BallastHarness;
  let cluster: TestCluster;
  let chartsDir: string;
  const ns = uniqueName('hr-life');
  let token = 0;

  before(async () => {
    env = await useLocalEnv();
    chartsDir = await mkdtemp(path.join(tmpdir(), 'ballast-charts-'));
    repo = await startChartRepo({
      charts: { demo: await writeTestChart(path.join(chartsDir, 'demo-1.0.0'), { name: 'demo', version: '1.0.0' }) },
    });
    ballast = await startBallast(env, ns);
    cluster = new TestCluster(ballast.kc);
    await cluster.createNamespace(ns);
  });
  after(async () => {
    await ballast?.stop();
    await repo?.close();
    await env?.release();
  });

  const hr = (): Promise<FluxObject | undefined> => cluster.getFlux(HelmReleaseKind, ns, 'demo');
  const waitHr = (pred: (o: FluxObject) => boolean, timeoutMs = 90_000): Promise<FluxObject> =>
    eventually(
      async () => {
        const o = await hr();
        return o && pred(o) ? o : undefined;
      },
      async () => JSON.stringify((await hr())?.status ?? 'absent'),
      timeoutMs
    );
  const greeting = async (): Promise<string | undefined> =>
    ((await cluster.get('v1', 'ConfigMap', ns, 'demo-config')) as { data?: Record<string, string> } | undefined)?.data
      ?.greeting;
  const readyAt =
    (version: number) =>
    (o: FluxObject): boolean =>
      condition(o, 'Ready')?.status === 'True' &&
      (o.status as { history?: { version: number }[] } | undefined)?.history?.[0]?.version === version;
  const requestReconcile = (kind: KindDescriptor = HelmReleaseKind, name = 'demo') =>
    cluster.patchFlux(kind, ns, name, {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `t${++token}` } },
    });

  it('installs the chart and reports Ready with the release in history', async () => {
    await cluster.createFlux(HelmRepositoryKind, ns, 'charts', { url: repo.url, interval: '1h' });
    await cluster.createFlux(HelmReleaseKind, ns, 'demo', {
      interval: '1h',
      chart: { spec: { chart: 'demo', version: '>=1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      values: { data: { greeting: 'one' } },
    });
    const ready = await waitHr(readyAt(1));
    assert.equal(condition(ready, 'Released')?.reason, 'InstallSucceeded');
    assert.equal(await greeting(), 'one');
    const chart = await cluster.getFlux(HelmChartKind, ns, `${ns}-demo`);
    assert.equal(chart?.status?.artifact?.revision, '1.0.0');
  });

  it('upgrades when inline values change', async () => {
    await cluster.patchFlux(HelmReleaseKind, ns, 'demo', { spec: { values: { data: { greeting: 'two' } } } });
    const ready = await waitHr(readyAt(2));
    assert.equal(condition(ready, 'Released')?.reason, 'UpgradeSucceeded');
    assert.equal(await greeting(), 'two');
  });

  it('upgrades when a values Secret changes', async () => {
    const secret = (v: string) => ({
      metadata: { name: 'vals' },
      stringData: { 'values.yaml': `data:\n  greeting: ${v}\n` },
    });
    await cluster.core.createNamespacedSecret({ namespace: ns, body: secret('from-secret') });
    await cluster.patchFlux(HelmReleaseKind, ns, 'demo', {
      spec: { values: null, valuesFrom: [{ kind: 'Secret', name: 'vals' }] },
    });
    await waitHr(readyAt(3));
    assert.equal(await greeting(), 'from-secret');
    await cluster.core.replaceNamespacedSecret({ namespace: ns, name: 'vals', body: secret('rotated') });
    await requestReconcile();
    await waitHr(readyAt(4));
    assert.equal(await greeting(), 'rotated');
  });

  it('upgrades at once, without a requestedAt, when a Secret labelled reconcile.fluxcd.io/watch changes', async () => {
    await cluster.core.replaceNamespacedSecret({
      namespace: ns,
      name: 'vals',
      body: {
        metadata: { name: 'vals', labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } },
        stringData: { 'values.yaml': 'data:\n  greeting: watched\n' },
      },
    });
    await waitHr(readyAt(5));
    assert.equal(await greeting(), 'watched');
  });

  it('upgrades when a new chart version is published', async () => {
    await repo.publish(await writeTestChart(path.join(chartsDir, 'demo-1.1.0'), { name: 'demo', version: '1.1.0' }));
    await requestReconcile(HelmRepositoryKind, 'charts');
    const ready = await waitHr((o) => readyAt(6)(o) && o.status?.lastAttemptedRevision === '1.1.0');
    assert.equal((ready.status as { history?: { chartVersion: string }[] }).history?.[0]?.chartVersion, '1.1.0');
  });

  it('changes nothing while suspended, and upgrades on resume', async () => {
    await cluster.patchFlux(HelmReleaseKind, ns, 'demo', { spec: { suspend: true } });
    await cluster.core.replaceNamespacedSecret({
      namespace: ns,
      name: 'vals',
      body: { metadata: { name: 'vals' }, stringData: { 'values.yaml': 'data:\n  greeting: while-suspended\n' } },
    });
    await requestReconcile();
    // Give a suspended reconcile the time it would need to (wrongly) upgrade.
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(await greeting(), 'watched');
    await cluster.patchFlux(HelmReleaseKind, ns, 'demo', { spec: { suspend: false } });
    await waitHr(readyAt(7));
    assert.equal(await greeting(), 'while-suspended');
  });

  it('uninstalls the release and deletes the generated HelmChart when the HelmRelease is deleted', async () => {
    await cluster.deleteFlux(HelmReleaseKind, ns, 'demo');
    await eventually(
      async () => ((await hr()) === undefined ? true : undefined),
      async () => JSON.stringify((await hr())?.status)
    );
    assert.equal(await greeting(), undefined);
    // The HelmChart has a finalizer of its own: its workflow removes its artifacts, then the finalizer.
    await eventually(
      async () => ((await cluster.getFlux(HelmChartKind, ns, `${ns}-demo`)) === undefined ? true : undefined),
      () => 'HelmChart still present'
    );
  });
});

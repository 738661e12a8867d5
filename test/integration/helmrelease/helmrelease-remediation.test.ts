import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../../api/helmrepository.js';
import {
  CONFIG_MAP_TEMPLATE,
  startChartRepo,
  writeTestChart,
  type ChartRepo,
} from '../../../tools/localenv/chart-repo.js';
import { freePort } from '../../../tools/localenv/ports.js';
import { startBallast, type BallastHarness } from '../../support/ballast.js';
import { condition, eventually, TestCluster, type FluxObject } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';

/** A Deployment whose Pods never get a node, so `helm upgrade --wait` fails after the timeout. */
const STUCK_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-stuck
spec:
  replicas: 1
  selector:
    matchLabels: { app: stuck }
  template:
    metadata:
      labels: { app: stuck }
    spec:
      nodeSelector: { ballast.dev/no-such-node: "true" }
      containers:
        - name: app
          image: example.invalid/app:1
`;

describe('HelmRelease: failures and remediation', () => {
  let env: TestEnv;
  let repo: ChartRepo;
  let ballast: BallastHarness;
  let cluster: TestCluster;
  let chartsDir: string;
  const ns = uniqueName('hr-remed');
  let token = 0;

  before(async () => {
    env = await useLocalEnv();
    chartsDir = await mkdtemp(path.join(tmpdir(), 'ballast-charts-'));
    repo = await startChartRepo({
      charts: { app: await writeTestChart(path.join(chartsDir, 'app-1.0.0'), { name: 'app', version: '1.0.0' }) },
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

  const get = (name: string): Promise<FluxObject | undefined> => cluster.getFlux(HelmReleaseKind, ns, name);
  const waitFor = (name: string, pred: (o: FluxObject) => boolean, timeoutMs = 120_000): Promise<FluxObject> =>
    eventually(
      async () => {
        const o = await get(name);
        return o && pred(o) ? o : undefined;
      },
      async () => JSON.stringify((await get(name))?.status ?? 'absent'),
      timeoutMs
    );
  const history = (o: FluxObject): { version: number; status: string; chartVersion: string }[] =>
    (o.status as { history?: { version: number; status: string; chartVersion: string }[] }).history ?? [];
  const publishAndFetch = async (dir: string, spec: Parameters<typeof writeTestChart>[1]): Promise<void> => {
    await repo.publish(await writeTestChart(path.join(chartsDir, dir), spec));
    await cluster.patchFlux(HelmRepositoryKind, ns, 'charts', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `t${++token}` } },
    });
  };

  it('rolls back a failed upgrade, then stalls with RetriesExceeded; the previous release keeps running', async () => {
    await cluster.createFlux(HelmReleaseKind, ns, 'app', {
      interval: '1h',
      timeout: '6s',
      chart: { spec: { chart: 'app', version: '*', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      upgrade: { remediation: { retries: 1 } },
      values: { data: { greeting: 'v1' } },
    });
    await waitFor('app', (o) => condition(o, 'Ready')?.status === 'True');
    await publishAndFetch('app-2.0.0', {
      name: 'app',
      version: '2.0.0',
      templates: { 'configmap.yaml': CONFIG_MAP_TEMPLATE, 'stuck.yaml': STUCK_DEPLOYMENT },
    });
    const stalled = await waitFor('app', (o) => condition(o, 'Stalled')?.status === 'True', 180_000);
    assert.equal(condition(stalled, 'Ready')?.status, 'False');
    assert.equal(condition(stalled, 'Ready')?.reason, 'RetriesExceeded');
    assert.equal(condition(stalled, 'Remediated')?.reason, 'RollbackSucceeded');
    const latest = history(stalled)[0];
    assert.equal(latest?.chartVersion, '1.0.0', 'the rolled-back release is the 1.0.0 chart');
    assert.equal(latest?.status, 'deployed');
    assert.ok((stalled.status as { upgradeFailures?: number }).upgradeFailures! >= 2);
    const cm = (await cluster.get('v1', 'ConfigMap', ns, 'app-config')) as { data?: Record<string, string> };
    assert.equal(cm.data?.greeting, 'v1');
  });

  it('reports a missing chart version, invalid values and a broken template on the object; the running release is untouched', async () => {
    await cluster.createFlux(HelmReleaseKind, ns, 'nover', {
      interval: '1h',
      chart: { spec: { chart: 'app', version: '>=9.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
    });
    // The chart's own failure reaches the HelmRelease: the controller signals it when the HelmChart's Ready flips.
    const nover = await waitFor('nover', (o) => /9\.0\.0/.test(condition(o, 'Ready')?.message ?? ''), 60_000);
    assert.equal(condition(nover, 'Ready')?.status, 'False');

    await cluster.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'bad-values' }, data: { 'values.yaml': 'data: [unclosed' } },
    });
    await cluster.createFlux(HelmReleaseKind, ns, 'badvalues', {
      interval: '1h',
      chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      valuesFrom: [{ kind: 'ConfigMap', name: 'bad-values' }],
    });
    const bad = await waitFor('badvalues', (o) => condition(o, 'Ready')?.reason === 'ValuesError');
    assert.match(condition(bad, 'Ready')?.message ?? '', /bad-values/);

    await cluster.createFlux(HelmReleaseKind, ns, 'tpl', {
      interval: '1h',
      chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      values: { data: { greeting: 'ok' } },
    });
    await waitFor('tpl', (o) => condition(o, 'Ready')?.status === 'True');
    await publishAndFetch('app-3.0.0', {
      name: 'app',
      version: '3.0.0',
      templates: { 'broken.yaml': '{{ .Values.nope.missing }}\n' },
    });
    await cluster.patchFlux(HelmReleaseKind, ns, 'tpl', { spec: { chart: { spec: { version: '3.0.0' } } } });
    const broken = await waitFor(
      'tpl',
      (o) => condition(o, 'Ready')?.status === 'False' && o.status?.lastAttemptedRevision === '3.0.0'
    );
    assert.match(condition(broken, 'Ready')?.message ?? '', /nil pointer|nope|missing|render|template/i);
    const cm = (await cluster.get('v1', 'ConfigMap', ns, 'tpl-config')) as { data?: Record<string, string> };
    assert.equal(cm.data?.greeting, 'ok', 'the 1.0.0 release still runs');
  });
  it('reports an unreachable chart repository on the object; the running release is untouched', async () => {
    await cluster.createFlux(HelmReleaseKind, ns, 'moved', {
      interval: '1h',
      chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      values: { data: { greeting: 'still-here' } },
    });
    await waitFor('moved', (o) => condition(o, 'Ready')?.status === 'True');
    // A loopback port nothing listens on: the connection is refused at once.
    const port = await freePort();
    await cluster.createFlux(HelmRepositoryKind, ns, 'gone', {
      url: `http://127.0.0.1:${port}/charts`,
      interval: '1h',
    });
    await cluster.patchFlux(HelmReleaseKind, ns, 'moved', {
      spec: { chart: { spec: { sourceRef: { kind: 'HelmRepository', name: 'gone' } } } },
    });
    const failed = await waitFor(
      'moved',
      (o) =>
        condition(o, 'Ready')?.status === 'False' &&
        (condition(o, 'Ready')?.message ?? '').includes(`127.0.0.1:${port}`),
      90_000
    );
    assert.match(condition(failed, 'Ready')?.message ?? '', /refused|unreachable|connect/i);
    const cm = (await cluster.get('v1', 'ConfigMap', ns, 'moved-config')) as { data?: Record<string, string> };
    assert.equal(cm.data?.greeting, 'still-here', 'the release keeps running');
    assert.equal(history(failed).length, 1, 'no new release revision');
  });
});

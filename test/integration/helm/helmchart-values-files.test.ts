import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelmChartKind } from '../../../api/helmchart.js';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../../api/helmrepository.js';
import { helmChartNameFor } from '../../../api/helm-release-name.js';
import { startChartRepo, writeTestChart, type ChartRepo } from '../../../tools/localenv/chart-repo.js';
import { startBallast, type BallastHarness } from '../../support/ballast.js';
import { condition, TestCluster, type FluxObject } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';

describe('HelmChart valuesFiles', () => {
  let env: TestEnv;
  let repo: ChartRepo;
  let ballast: BallastHarness;
  let cluster: TestCluster;
  const ns = uniqueName('hc-values');

  before(async () => {
    env = await useLocalEnv();
    const dir = await writeTestChart(path.join(await mkdtemp(path.join(tmpdir(), 'ballast-charts-')), 'app'), {
      name: 'app',
      version: '1.0.0',
      values: { data: { greeting: 'default', size: 'small' } },
    });
    await writeFile(path.join(dir, 'values-prod.yaml'), 'data:\n  greeting: prod\n');
    repo = await startChartRepo({ charts: { app: dir } });
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

  const waitFor = (kind: typeof HelmReleaseKind, name: string, pred: (o: FluxObject) => boolean) =>
    cluster.waitForFlux(kind, ns, name, pred);
  const release = (name: string, valuesFiles: string[]) =>
    cluster.createFlux(HelmReleaseKind, ns, name, {
      interval: '1h',
      chart: {
        spec: { chart: 'app', version: '1.0.0', valuesFiles, sourceRef: { kind: 'HelmRepository', name: 'charts' } },
      },
    });
  const chartName = (name: string): string => helmChartNameFor({ metadata: { name, namespace: ns }, spec: {} });

  it('packages the merged values files into the chart the release installs', async () => {
    await release('prod', ['values.yaml', 'values-prod.yaml']);
    await waitFor(HelmReleaseKind, 'prod', (o) => condition(o, 'Ready')?.status === 'True');
    const cm = (await cluster.get('v1', 'ConfigMap', ns, 'prod-config')) as { data?: Record<string, string> };
    assert.deepEqual(cm.data, { greeting: 'prod', size: 'small' });
    const chart = await cluster.getFlux(HelmChartKind, ns, chartName('prod'));
    const status = chart?.status as { artifact?: { revision: string }; observedValuesFiles?: string[] };
    assert.equal(status.artifact?.revision, '1.0.0+1', 'the generation is the build metadata');
    assert.deepEqual(status.observedValuesFiles, ['values.yaml', 'values-prod.yaml']);
  });

  it('reports a values file missing from the chart on the HelmChart and the HelmRelease', async () => {
    await release('typo', ['values.yaml', 'values-prd.yaml']);
    const hr = await waitFor(HelmReleaseKind, 'typo', (o) =>
      /values-prd\.yaml/.test(condition(o, 'Ready')?.message ?? '')
    );
    assert.equal(condition(hr, 'Ready')?.status, 'False');
    assert.match(condition(hr, 'Ready')?.message ?? '', /not found in the chart/);
  });
});

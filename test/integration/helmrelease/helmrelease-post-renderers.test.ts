import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../../api/helmrepository.js';
import { startChartRepo, writeTestChart, type ChartRepo } from '../../../tools/localenv/chart-repo.js';
import { startBallast, type BallastHarness } from '../../support/ballast.js';
import { condition, TestCluster, type FluxObject } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';

type ConfigMap = { metadata?: { labels?: Record<string, string> }; data?: Record<string, string> };

describe('HelmRelease: postRenderers', () => {
  let env: TestEnv;
  let repo: ChartRepo;
  let ballast: BallastHarness;
  let cluster: TestCluster;
  const ns = uniqueName('hr-post');

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

  const waitFor = (pred: (o: FluxObject) => boolean): Promise<FluxObject> =>
    cluster.waitForFlux(HelmReleaseKind, ns, 'app', pred);
  const configMap = async (): Promise<ConfigMap> =>
    (await cluster.get('v1', 'ConfigMap', ns, 'app-config')) as ConfigMap;
  const labelPass = (value: string) => ({
    kustomize: {
      patches: [
        {
          patch: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  labels:\n    post: ${value}\n`,
        },
      ],
    },
  });
  const dataPass = {
    kustomize: {
      patches: [
        {
          patch: '- op: add\n  path: /data/second\n  value: pass\n',
          target: { kind: 'ConfigMap', name: 'app-config' },
        },
      ],
    },
  };

  it('runs the kustomize passes in order over the rendered manifests', async () => {
    await cluster.createFlux(HelmReleaseKind, ns, 'app', {
      interval: '1h',
      chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      postRenderers: [labelPass('rendered'), dataPass],
    });
    await waitFor((o) => condition(o, 'Ready')?.status === 'True');
    const cm = await configMap();
    assert.equal(cm.metadata?.labels?.post, 'rendered');
    assert.deepEqual(cm.data, { greeting: 'hello', second: 'pass' });
  });

  it('upgrades when the post-renderers change', async () => {
    await cluster.patchFlux(HelmReleaseKind, ns, 'app', { spec: { postRenderers: [labelPass('changed')] } });
    await waitFor(
      (o) =>
        condition(o, 'Ready')?.status === 'True' && ((o.status as { history?: unknown[] }).history?.length ?? 0) >= 2
    );
    const cm = await configMap();
    assert.equal(cm.metadata?.labels?.post, 'changed');
    assert.deepEqual(cm.data, { greeting: 'hello' });
  });

  it('reports a patch kustomize cannot apply; the release keeps running', async () => {
    await cluster.patchFlux(HelmReleaseKind, ns, 'app', {
      spec: {
        postRenderers: [
          {
            kustomize: {
              patches: [{ patch: '- op: replace\n  path: /spec/nope\n  value: x\n', target: { kind: 'ConfigMap' } }],
            },
          },
        ],
      },
    });
    const failed = await waitFor((o) => condition(o, 'Ready')?.status === 'False');
    assert.match(condition(failed, 'Ready')?.message ?? '', /post-render|kustomize|missing/i);
    assert.equal((await configMap()).metadata?.labels?.post, 'changed');
  });
});

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
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

/** A namespaced CRD `<plural>.<group>` whose spec schema has the given string properties. */
const crd = (group: string, plural: string, props: string[]): string => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.${group}
spec:
  group: ${group}
  scope: Namespaced
  names: { plural: ${plural}, singular: ${plural.replace(/s$/, '')}, kind: ${plural[0]?.toUpperCase()}${plural.slice(1, -1)} }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties: { ${props.map((p) => `${p}: { type: string }`).join(', ')} }
`;

describe('HelmRelease: the crds policies Helm lacks', () => {
  let env: TestEnv;
  let repo: ChartRepo;
  let ballast: BallastHarness;
  let cluster: TestCluster;
  let dir: string;
  const ns = uniqueName('hr-crds');
  const group = `${ns}.ballast.dev`;

  const chartWithCrd = async (name: string, version: string, plural: string, props: string[]): Promise<string> => {
    const chartDir = await writeTestChart(path.join(dir, `${name}-${version}`), { name, version });
    await mkdir(path.join(chartDir, 'crds'), { recursive: true });
    await writeFile(path.join(chartDir, 'crds', `${plural}.yaml`), crd(group, plural, props));
    return chartDir;
  };

  before(async () => {
    env = await useLocalEnv();
    dir = await mkdtemp(path.join(tmpdir(), 'ballast-charts-'));
    repo = await startChartRepo({
      charts: {
        a: await chartWithCrd('replaced', '1.0.0', 'gadgets', ['size']),
        b: await chartWithCrd('skipped', '1.0.0', 'gizmos', ['size']),
      },
    });
    await repo.publish(await chartWithCrd('replaced', '2.0.0', 'gadgets', ['size', 'color']));
    await repo.publish(await chartWithCrd('skipped', '2.0.0', 'gizmos', ['size', 'color']));
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
    cluster.waitForFlux(HelmReleaseKind, ns, name, pred);
  const specProps = async (plural: string): Promise<string[]> => {
    const o = (await cluster.get(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      undefined,
      `${plural}.${group}`
    )) as {
      spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: object } } } } }[] };
    };
    return Object.keys(o.spec.versions[0]?.schema.openAPIV3Schema.properties.spec.properties ?? {}).sort();
  };
  const install = async (name: string, upgrade: Record<string, unknown>): Promise<void> => {
    await cluster.createFlux(HelmReleaseKind, ns, name, {
      interval: '1h',
      chart: { spec: { chart: name, version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      install: { crds: 'CreateReplace' },
      upgrade,
    });
    await waitFor(name, (o) => condition(o, 'Ready')?.status === 'True');
  };
  const upgradeTo2 = async (name: string): Promise<void> => {
    await cluster.patchFlux(HelmReleaseKind, ns, name, { spec: { chart: { spec: { version: '2.0.0' } } } });
    await waitFor(name, (o) => condition(o, 'Ready')?.status === 'True' && o.status?.lastAttemptedRevision === '2.0.0');
  };

  it('CreateReplace updates the CRDs on upgrade', async () => {
    await install('replaced', { crds: 'CreateReplace' });
    assert.deepEqual(await specProps('gadgets'), ['size']);
    await upgradeTo2('replaced');
    assert.deepEqual(await specProps('gadgets'), ['color', 'size']);
  });

  it('the default upgrade policy (Skip) leaves them as they are', async () => {
    await install('skipped', {});
    await upgradeTo2('skipped');
    assert.deepEqual(await specProps('gizmos'), ['size']);
  });
});

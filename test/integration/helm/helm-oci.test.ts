import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../../api/helmrepository.js';
import { writeTestChart } from '../../../tools/localenv/chart-repo.js';
import { startOciRegistry, type OciRegistry } from '../../../tools/localenv/oci-registry.js';
import { startBallast, type BallastHarness } from '../../support/ballast.js';
import { condition, eventually, TestCluster, type FluxObject } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';

describe('HelmRelease from an OCI HelmRepository (crane registry on loopback, real helm)', () => {
  let env: TestEnv;
  let registry: OciRegistry;
  let ballast: BallastHarness;
  let cluster: TestCluster;
  const ns = uniqueName('hr-oci');

  before(async () => {
    env = await useLocalEnv();
    registry = await startOciRegistry();
    const dir = await mkdtemp(path.join(tmpdir(), 'ballast-charts-'));
    for (const version of ['1.0.0', '1.1.0', '2.0.0'])
      await registry.pushChart(
        await writeTestChart(path.join(dir, version), {
          name: 'app',
          version,
          values: { data: { greeting: `v${version}` } },
        })
      );
    ballast = await startBallast(env, ns);
    cluster = new TestCluster(ballast.kc);
    await cluster.createNamespace(ns);
    await cluster.createFlux(HelmRepositoryKind, ns, 'oci', {
      type: 'oci',
      url: `oci://${registry.host}/charts`,
      insecure: true,
      interval: '1h',
    });
  });
  after(async () => {
    await ballast?.stop();
    await registry?.close();
    await env?.release();
  });

  const waitFor = (name: string, pred: (o: FluxObject) => boolean): Promise<FluxObject> =>
    cluster.waitForFlux(HelmReleaseKind, ns, name, pred);
  const release = (name: string, version: string) =>
    cluster.createFlux(HelmReleaseKind, ns, name, {
      interval: '1h',
      chart: { spec: { chart: 'app', version, sourceRef: { kind: 'HelmRepository', name: 'oci' } } },
    });

  it('the OCI HelmRepository is Ready without an artifact, as in Flux', async () => {
    const repo = await eventually(
      async () => {
        const o = await cluster.getFlux(HelmRepositoryKind, ns, 'oci');
        return condition(o, 'Ready')?.status === 'True' ? o : undefined;
      },
      async () => JSON.stringify((await cluster.getFlux(HelmRepositoryKind, ns, 'oci'))?.status),
      60_000
    );
    assert.equal((repo?.status as { artifact?: unknown }).artifact, undefined);
  });

  it('installs the highest version the semver range selects from the registry tags', async () => {
    await release('ranged', '>=1.0.0 <2.0.0');
    const ready = await waitFor('ranged', (o) => condition(o, 'Ready')?.status === 'True');
    assert.equal(ready.status?.lastAttemptedRevision, '1.1.0');
    const cm = (await cluster.get('v1', 'ConfigMap', ns, 'ranged-config')) as { data?: Record<string, string> };
    assert.equal(cm.data?.greeting, 'v1.1.0');
  });

  it('reports a chart the registry does not have', async () => {
    await cluster.createFlux(HelmReleaseKind, ns, 'missing', {
      interval: '1h',
      chart: { spec: { chart: 'nope', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'oci' } } },
    });
    const failed = await waitFor('missing', (o) => /nope/.test(condition(o, 'Ready')?.message ?? ''));
    assert.equal(condition(failed, 'Ready')?.status, 'False');
    assert.match(condition(failed, 'Ready')?.message ?? '', /not found|pulling chart 'nope'/);
  });
});

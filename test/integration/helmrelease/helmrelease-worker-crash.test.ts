import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../../api/helmrepository.js';
import {
  CONFIG_MAP_TEMPLATE,
  startChartRepo,
  writeTestChart,
  type ChartRepo,
} from '../../../tools/localenv/chart-repo.js';
import { startBallast, type BallastHarness } from '../../support/ballast.js';
import { condition, eventually, TestCluster, type FluxObject } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';
import { startWorkerProcess, type WorkerProcess } from '../../support/worker-process.js';

const execFileAsync = promisify(execFile);

/** Command lines of the helm processes working on namespace `ns` (pgrep exits 1 when there are none). */
async function helmProcessesFor(ns: string): Promise<string[]> {
  const { stdout } = await execFileAsync('pgrep', ['-a', '-f', `helm .*${ns}`]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter((l) => l.trim() !== '');
}

/** A Deployment whose Pods get a node only once the test labels it, so `helm upgrade --wait` waits. */
const gatedDeployment = (label: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      nodeSelector: { "${label}": "true" }
      containers:
        - name: app
          image: example.invalid/app:2
`;

describe('HelmRelease: the worker or helm itself is SIGKILLed in the middle of helm upgrade', () => {
  let env: TestEnv;
  let repo: ChartRepo;
  let ballast: BallastHarness;
  let cluster: TestCluster;
  const workers: WorkerProcess[] = [];
  const ns = uniqueName('hr-crash');
  const label = `ballast.dev/${ns}`;
  const helmKilledLabel = `ballast.dev/${ns}-helm-killed`;

  before(async () => {
    env = await useLocalEnv();
    const chartsDir = await mkdtemp(path.join(tmpdir(), 'ballast-charts-'));
    repo = await startChartRepo({
      charts: { app: await writeTestChart(path.join(chartsDir, 'app-1.0.0'), { name: 'app', version: '1.0.0' }) },
    });
    await repo.publish(
      await writeTestChart(path.join(chartsDir, 'app-2.0.0'), {
        name: 'app',
        version: '2.0.0',
        templates: { 'configmap.yaml': CONFIG_MAP_TEMPLATE, 'web.yaml': gatedDeployment(label) },
      })
    );
    await repo.publish(
      await writeTestChart(path.join(chartsDir, 'app-3.0.0'), {
        name: 'app',
        version: '3.0.0',
        templates: { 'configmap.yaml': CONFIG_MAP_TEMPLATE, 'web.yaml': gatedDeployment(helmKilledLabel) },
      })
    );
    ballast = await startBallast(env, ns, { worker: false });
    cluster = new TestCluster(ballast.kc);
    await cluster.createNamespace(ns);
    await cluster.createFlux(HelmRepositoryKind, ns, 'charts', { url: repo.url, interval: '1h' });
  });
  after(async () => {
    for (const w of workers) await w.kill();
    await ballast?.stop();
    await repo?.close();
    await env?.release();
  });

  const get = (name = 'app'): Promise<FluxObject | undefined> => cluster.getFlux(HelmReleaseKind, ns, name);
  const waitFor = (
    what: string,
    pred: (o: FluxObject) => boolean,
    timeoutMs = 120_000,
    name = 'app'
  ): Promise<FluxObject> =>
    eventually(
      async () => {
        const o = await get(name);
        return o && pred(o) ? o : undefined;
      },
      async () => `${what}: ${JSON.stringify((await get(name))?.status ?? 'absent')}`,
      timeoutMs
    );
  /** Helm's storage: one Secret per release revision, labelled with its status. */
  const releaseStatuses = async (release = 'app'): Promise<Map<number, string>> => {
    const list = await cluster.core.listNamespacedSecret({
      namespace: ns,
      labelSelector: `owner=helm,name=${release}`,
    });
    return new Map(list.items.map((s) => [Number(s.metadata?.labels?.version), s.metadata?.labels?.status ?? '']));
  };
  const labelNode = (key: string): Promise<unknown> =>
    ballast.kc
      .makeApiClient(CoreV1Api)
      .patchNode(
        { name: env.nodeName, body: { metadata: { labels: { [key]: 'true' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
      );
  const logFile = (n: number): string => path.join(ballast.artifactDir, `worker-${n}.log`);

  it('the release is not left pending, and a new worker converges it', async () => {
    workers.push(startWorkerProcess(env, ballast, logFile(1)));
    await cluster.createFlux(HelmReleaseKind, ns, 'app', {
      interval: '1h',
      timeout: '5m',
      chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      values: { data: { greeting: 'v1' } },
    });
    await waitFor('installed', (o) => condition(o, 'Ready')?.status === 'True');

    await cluster.patchFlux(HelmReleaseKind, ns, 'app', { spec: { chart: { spec: { version: '2.0.0' } } } });
    // helm upgrade has applied 2.0.0 and now waits for the Deployment, holding the release lock.
    await eventually(
      async () => ((await releaseStatuses()).get(2) === 'pending-upgrade' ? true : undefined),
      async () => `revision 2 not pending-upgrade: ${JSON.stringify([...(await releaseStatuses())])}`,
      90_000
    );
    await workers[0]?.kill('SIGKILL');

    // The kernel sent the orphaned helm SIGTERM: it is gone instead of holding the release for 5 minutes.
    // (Helm usually records the release failed on its way out; when it does not get that far, the
    // new worker finds it pending and recovers it — either way nothing races the new worker.)
    await eventually(
      async () => ((await helmProcessesFor(ns)).length === 0 ? true : undefined),
      async () => `helm still running after the worker died: ${(await helmProcessesFor(ns)).join('; ')}`,
      15_000
    );

    await labelNode(label);
    workers.push(startWorkerProcess(env, ballast, logFile(2)));
    // The upgrade activity times out on its heartbeat (30 s) and runs again on the new worker.
    const ready = await waitFor(
      'upgraded by the new worker',
      (o) => condition(o, 'Ready')?.status === 'True' && o.status?.lastAttemptedRevision === '2.0.0',
      180_000
    );
    const history = (ready.status as { history?: { chartVersion: string; status: string }[] }).history ?? [];
    assert.equal(history[0]?.chartVersion, '2.0.0');
    assert.equal(history[0]?.status, 'deployed');
    const statuses = [...(await releaseStatuses()).values()];
    assert.ok(
      statuses.every((s) => !s.startsWith('pending-')),
      `no revision left pending: ${statuses.join(', ')}`
    );
    assert.equal(statuses.filter((s) => s === 'deployed').length, 1, 'exactly one deployed revision');
  });
  it('helm is SIGKILLed before it records anything: the retried upgrade unlocks the release instead of failing it', async () => {
    // A worker of the first test may still be running; one more is harmless and makes this test stand alone.
    workers.push(startWorkerProcess(env, ballast, logFile(3)));
    const name = 'killed';
    await cluster.createFlux(HelmReleaseKind, ns, name, {
      interval: '1h',
      timeout: '5m',
      chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
      upgrade: { remediation: { retries: 0 } },
    });
    await waitFor('installed', (o) => condition(o, 'Ready')?.status === 'True', 120_000, name);

    await cluster.patchFlux(HelmReleaseKind, ns, name, { spec: { chart: { spec: { version: '3.0.0' } } } });
    await eventually(
      async () => ((await releaseStatuses(name)).get(2) === 'pending-upgrade' ? true : undefined),
      async () => `revision 2 not pending-upgrade: ${JSON.stringify([...(await releaseStatuses(name))])}`,
      90_000
    );
    // The worker lives; only helm dies, with no chance to record the outcome: revision 2 stays
    // pending-upgrade, and the activity's next attempt meets a release its own first attempt locked.
    const upgrades = (await helmProcessesFor(ns)).filter((l) => / upgrade /.test(l) && l.includes(` ${name} `));
    assert.equal(upgrades.length, 1, `one helm upgrade of ${name} running: ${upgrades.join('; ')}`);
    process.kill(Number(upgrades[0]?.split(' ')[0]), 'SIGKILL');
    assert.equal((await releaseStatuses(name)).get(2), 'pending-upgrade');
    await labelNode(helmKilledLabel);

    const ready = await waitFor(
      'upgraded by the retried attempt',
      (o) => condition(o, 'Ready')?.status === 'True' && o.status?.lastAttemptedRevision === '3.0.0',
      180_000,
      name
    );
    assert.equal(condition(ready, 'Stalled'), undefined, 'the lock was not counted as an upgrade failure');
    assert.equal((ready.status as { upgradeFailures?: number }).upgradeFailures ?? 0, 0, 'no upgrade failure counted');
    const statuses = await releaseStatuses(name);
    assert.deepEqual(
      [...statuses].sort(([a], [b]) => a - b),
      [
        [1, 'superseded'],
        [2, 'failed'],
        [3, 'deployed'],
      ],
      'the stuck revision was marked failed and the upgrade ran again as revision 3'
    );
  });
});

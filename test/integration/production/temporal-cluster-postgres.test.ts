/**
 * Ballast on a production-shaped Temporal: the real server on PostgreSQL as four processes
 * (frontend, history, matching, worker), two Ballast worker processes and a controller. One
 * worker is SIGKILLed half-way through 50 Kustomizations; every one must still converge, with
 * nothing lost and nothing written twice.
 */
import { Watch } from '@kubernetes/client-node';
import type { temporal } from '@temporalio/proto';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workflowIdFor } from '../../../api/workflow-ids.js';
import { sampleProcess } from '../../../bench/proc-stats.js';
import { ProcessGroup } from '../../../tools/localenv/processes.js';
import {
  startTemporalCluster,
  TEMPORAL_SERVICES,
  type TemporalCluster,
} from '../../../tools/localenv/temporal-cluster.js';
import { localActivityType } from '../../faults/step-trigger.js';
import { condition, eventually, type FluxObject } from '../../support/cluster.js';
import { configMap, deployment, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';
import { startWorkerProcess, type WorkerProcess } from '../../support/worker-process.js';

const COUNT = 50;
const app = (i: number): string => `app-${String(i).padStart(2, '0')}`;

/** Every write the apiserver made to the namespace's ConfigMaps and Deployments, by object. */
interface WriteLog {
  events: Map<string, string[]>;
  stop(): void;
}

type Watched = { metadata?: { name?: string; generation?: number; resourceVersion?: string } };

/**
 * Watches both collections from before the first write to the end, resuming from the last seen
 * resourceVersion whenever a connection ends (an idle HTTP body times out after 5 minutes), so no
 * write between two connections goes unseen.
 */
async function watchWrites(f: GitOpsFixture): Promise<WriteLog> {
  const events = new Map<string, string[]>();
  const watch = new Watch(f.ballast.kc);
  let stopped = false;
  const aborts: AbortController[] = [];
  const follow = async (url: string, resourceVersion?: string): Promise<void> => {
    let last = resourceVersion;
    const onEvent = (type: string, obj: Watched): void => {
      last = obj.metadata?.resourceVersion ?? last;
      if (type === 'BOOKMARK') return;
      const key = `${url.split('/').pop()}/${obj.metadata?.name}`;
      const gen = obj.metadata?.generation;
      events.set(key, [...(events.get(key) ?? []), gen === undefined ? type : `${type}@${gen}`]);
    };
    const query = { allowWatchBookmarks: true, ...(last ? { resourceVersion: last } : {}) };
    aborts.push(await watch.watch(url, query, onEvent, () => void (stopped || follow(url, last))));
  };
  await Promise.all(
    [`/api/v1/namespaces/${f.ns}/configmaps`, `/apis/apps/v1/namespaces/${f.ns}/deployments`].map((u) => follow(u))
  );
  return {
    events,
    stop: () => {
      stopped = true;
      aborts.forEach((c) => c.abort());
    },
  };
}

/** Activity type and worker identity of every activity that completed in one workflow's history. */
function completedActivities(history: temporal.api.history.v1.IHistory): { type: string; identity: string }[] {
  const events = history.events ?? [];
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  return events
    .filter((e) => e.activityTaskCompletedEventAttributes)
    .map((e) => {
      const done = e.activityTaskCompletedEventAttributes!;
      const scheduled = byId.get(Number(done.scheduledEventId))?.activityTaskScheduledEventAttributes;
      return { type: scheduled?.activityType?.name ?? '?', identity: done.identity ?? '' };
    });
}

describe('a Temporal cluster on PostgreSQL, two workers, one SIGKILLed half-way through 50 Kustomizations', () => {
  let dir: string;
  let group: ProcessGroup;
  let cluster: TemporalCluster;
  let f: GitOpsFixture;
  let writes: WriteLog | undefined;
  const workers: WorkerProcess[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ballast-temporal-cluster-'));
    group = new ProcessGroup(dir, path.basename(dir));
    cluster = await startTemporalCluster(group, dir);
    f = await setupGitOps('prod', { worker: false, temporal: cluster });
  });
  after(async () => {
    writes?.stop();
    for (const w of workers) await w.kill();
    await f?.close();
    await group?.stopAll();
    await cluster?.postgres.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('every Kustomization converges; no object is lost or written twice', async (t) => {
    const pids = TEMPORAL_SERVICES.map((s) => cluster.processes[s].child.pid);
    assert.equal(new Set(pids).size, 4, 'four server processes');
    const logFile = (n: number): string => path.join(dir, `worker-${n}.log`);
    workers.push(startWorkerProcess(f.env, f.ballast, logFile(1)), startWorkerProcess(f.env, f.ballast, logFile(2)));
    const log = await watchWrites(f);
    writes = log;
    const files: Record<string, string> = {};
    for (let i = 0; i < COUNT; i++) {
      files[`apps/${app(i)}/cm.yaml`] = configMap(`${app(i)}-settings`, String(i));
      files[`apps/${app(i)}/web.yaml`] = deployment(`${app(i)}-web`);
    }
    const started = Date.now();
    const rev = await f.push(files);
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) => f.kustomization(app(i), { path: `./apps/${app(i)}`, wait: true }))
    );

    const readyNow = async (): Promise<FluxObject[]> => {
      const all = await Promise.all(Array.from({ length: COUNT }, (_, i) => f.get(app(i))));
      return all.filter(
        (ks): ks is FluxObject =>
          ks !== undefined &&
          condition(ks, 'Ready')?.status === 'True' &&
          (ks.status?.lastAppliedRevision?.endsWith(rev) ?? false)
      );
    };
    // Applied (inventory recorded) rather than Ready: Ready follows the health checks, which end
    // in bursts as kube-controller-manager and kwok make the Deployments available, so the Ready
    // count can jump from under half to all between two polls.
    const appliedNow = async (): Promise<number> => {
      const all = await Promise.all(Array.from({ length: COUNT }, (_, i) => f.get(app(i))));
      const inventory = (ks: FluxObject | undefined): unknown[] =>
        (ks?.status as { inventory?: { entries?: unknown[] } } | undefined)?.inventory?.entries ?? [];
      return all.filter((ks) => inventory(ks).length > 0).length;
    };
    const applied = await eventually(
      async () => {
        const n = await appliedNow();
        return n >= COUNT / 2 ? n : undefined;
      },
      async () => `${await appliedNow()} of ${COUNT} applied`,
      300_000
    );
    const atKill = (await readyNow()).length;
    assert.ok(
      atKill < COUNT,
      `the kill lands half-way (${applied} applied, ${atKill} of ${COUNT} Ready), not after the end`
    );
    const killedAt = Date.now();
    const killed = sampleProcess(workers[0]!.child.pid!);
    await workers[0]!.kill('SIGKILL');

    const ready = await eventually(
      async () => {
        const r = await readyNow();
        return r.length === COUNT ? r : undefined;
      },
      async () => `${(await readyNow()).length} of ${COUNT} Ready after the kill`,
      420_000
    );
    // Figures for sizing guidance (reported, never asserted: the machine is shared).
    const secs = (ms: number): string => (ms / 1000).toFixed(0);
    t.diagnostic(
      `${atKill}/${COUNT} Ready after ${secs(killedAt - started)} s; all after ${secs(Date.now() - killedAt)} s more`
    );
    const usage = (name: string, pid?: number, sample = pid ? sampleProcess(pid) : undefined): string =>
      `${name} ${sample ? `${sample.hwmMiB.toFixed(0)} MiB peak, ${sample.cpuSeconds.toFixed(0)} s CPU` : 'gone'}`;
    t.diagnostic(TEMPORAL_SERVICES.map((s) => usage(s, cluster.processes[s].child.pid)).join('; '));
    t.diagnostic(`${usage('worker 1 (at the kill)', undefined, killed)}; ${usage('worker 2', workers[1]!.child.pid)}`);
    for (const [i, ks] of ready.entries())
      assert.equal(ks.status?.inventory?.entries.length, 2, `Kustomization ${i} of ${COUNT} lost nothing`);

    // Nothing written twice: each ConfigMap was added once and never modified, each Deployment's
    // spec (generation) written once — kube-controller-manager's status updates keep generation 1.
    for (let i = 0; i < COUNT; i++) {
      assert.deepEqual(log.events.get(`configmaps/${app(i)}-settings`), ['ADDED'], `${app(i)} ConfigMap`);
      const deploy = log.events.get(`deployments/${app(i)}-web`) ?? [];
      assert.equal(deploy[0], 'ADDED@1', `${app(i)} Deployment created once`);
      assert.ok(
        deploy.every((e) => e.endsWith('@1')),
        `${app(i)} Deployment spec written once: ${deploy.join(' ')}`
      );
    }

    // Durable steps: each Kustomization's history completes its apply exactly once, and both
    // workers did part of the work.
    const identities = new Set<string>();
    for (let i = 0; i < COUNT; i++) {
      const id = workflowIdFor({
        cluster: f.ballast.clusterName,
        kind: 'Kustomization',
        namespace: f.ns,
        name: app(i),
      });
      const history = await f.ballast.client.workflow.getHandle(id).fetchHistory();
      const done = completedActivities(history);
      // Apply runs as a local activity (a marker, no completion event) in runs of this release.
      const applies =
        done.filter((a) => a.type === 'applyKustomization').length +
        (history.events ?? []).filter((e) => localActivityType(e) === 'applyKustomization').length;
      assert.equal(applies, 1, `${app(i)} applied once`);
      done.forEach((a) => identities.add(a.identity.split('@')[0]!));
    }
    const workerPids = workers.map((w) => String(w.child.pid));
    assert.deepEqual(
      workerPids.filter((pid) => identities.has(pid)),
      workerPids,
      `both workers completed activities (identities seen: ${[...identities].join(', ')})`
    );
  });
});

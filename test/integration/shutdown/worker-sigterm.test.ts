import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { WorkflowHandle } from '@temporalio/client';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { progressQuery } from '../../../api/messages.js';
import { workflowIdFor } from '../../../api/workflow-ids.js';
import { freePort } from '../../../tools/localenv/ports.js';
import { condition, eventually } from '../../support/cluster.js';
import { deployment, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';
import { startWorkerProcess, type WorkerProcess } from '../../support/worker-process.js';

/** GET /readyz of the worker: its status code, or undefined while nothing listens. */
async function readyz(port: number): Promise<number | undefined> {
  return fetch(`http://127.0.0.1:${port}/readyz`).then(
    (r) => r.status,
    () => undefined
  );
}

/** The worker's JSON log lines with the given message. */
async function logLines(file: string, msg: string): Promise<Record<string, unknown>[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.startsWith('{'));
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);
}

describe('worker: SIGTERM while an activity runs', () => {
  let f: GitOpsFixture;
  let worker: WorkerProcess | undefined;
  let nodeLabel: string;
  let core: CoreV1Api;
  before(async () => {
    f = await setupGitOps('shutdown', { worker: false });
    core = f.ballast.kc.makeApiClient(CoreV1Api);
    nodeLabel = `ballast.dev/${f.ns}`;
  });
  after(async () => {
    await worker?.kill();
    await core
      ?.patchNode(
        { name: f.env.nodeName, body: { metadata: { labels: { [nodeLabel]: null } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
      )
      .catch(() => undefined);
    await f?.close();
  });

  it('turns unready first, lets the in-flight health check finish, then exits 0', async () => {
    const port = await freePort();
    const logFile = path.join(f.ballast.artifactDir, 'worker.log');
    worker = startWorkerProcess(f.env, f.ballast, logFile, {
      BALLAST_HTTP_ADDRESS: `127.0.0.1:${port}`,
      BALLAST_TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      BALLAST_SHUTDOWN_GRACE: '2m',
    });
    const exited = once(worker.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    await eventually(
      async () => ((await readyz(port)) === 200 ? true : undefined),
      () => 'worker not ready',
      90_000
    );

    // 1. A reconcile that waits in its health check: the Deployment's Pods need a node label nobody has set yet.
    const rev = await f.push({ 'web.yaml': deployment('web', { schedulable: false, nodeLabel }) });
    await f.kustomization('app', { wait: true, timeout: '1h' });
    const handle = f.ballast.client.workflow.getHandle(
      workflowIdFor({ cluster: f.ballast.clusterName, kind: 'Kustomization', namespace: f.ns, name: 'app' })
    );
    await eventually(
      async () => ((await handle.query(progressQuery).catch(() => undefined))?.step === 'health' ? true : undefined),
      () => 'not in the health step',
      90_000
    );

    // 2. SIGTERM: readiness answers 503 while the process still runs (it is draining).
    worker.child.kill('SIGTERM');
    await eventually(
      async () => ((await readyz(port)) === 503 ? true : undefined),
      () => 'still ready',
      10_000
    );
    assert.equal(worker.child.exitCode, null, 'the worker is still draining when readiness turns false');

    // 3. The health check can now pass; the draining worker finishes it and only then exits, with 0.
    await core.patchNode(
      { name: f.env.nodeName, body: { metadata: { labels: { [nodeLabel]: 'true' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
    );
    const [code, signal] = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('worker did not exit')), 100_000).unref()),
    ]);
    assert.deepEqual({ code, signal }, { code: 0, signal: null });

    const [draining] = await logLines(logFile, 'worker draining');
    assert.equal(draining?.inFlightActivities, 1, 'the health check was in flight at SIGTERM');
    assert.equal((await logLines(logFile, 'worker drained')).length, 1);
    const outcome = await healthActivityOutcome(handle);
    assert.equal(outcome, 'completed', 'the health check ran to its end, not cancelled or failed');

    // 4. The next worker finishes the reconcile from there.
    worker = startWorkerProcess(f.env, f.ballast, path.join(f.ballast.artifactDir, 'worker-2.log'), {
      BALLAST_HTTP_ADDRESS: `127.0.0.1:${await freePort()}`,
      BALLAST_TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    const ready = await f.waitReady('app', rev, 120_000);
    assert.equal(condition(ready, 'Healthy')?.status, 'True');
  });
});

/** How the first health-check activity in the workflow's history ended. */
async function healthActivityOutcome(handle: WorkflowHandle): Promise<string> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'checkKustomizationHealth'
  );
  assert.ok(scheduled?.eventId, 'a health check was scheduled');
  const id = String(scheduled.eventId);
  const ends = (attrs: { scheduledEventId?: unknown } | null | undefined): boolean =>
    !!attrs && String(attrs.scheduledEventId) === id;
  for (const e of events) {
    if (ends(e.activityTaskCompletedEventAttributes)) return 'completed';
    if (ends(e.activityTaskFailedEventAttributes)) return 'failed';
    if (ends(e.activityTaskTimedOutEventAttributes)) return 'timed out';
    if (ends(e.activityTaskCanceledEventAttributes)) return 'cancelled';
  }
  return 'not finished';
}

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Activities } from '../../../activities/index.js';
import type { KustomizationPlan } from '../../../activities/kustomization/types.js';
import {
  progressQuery,
  RECENT_RESULTS,
  reconcileNowUpdate,
  type ReconcileProgress,
  type ReconcileResult,
} from '../../../api/messages.js';
import { kustomizationWorkflow } from '../../../workflows/index.js';
import { MAX_PASSES_PER_RUN } from '../../../workflows/reconcile-loop.js';
import { uniqueName } from '../../support/names.js';
import { createTestWorkflowEnv } from '../../support/temporal.js';

const require = createRequire(import.meta.url);
const ref = { namespace: 'apps', name: 'web' };
const plan: KustomizationPlan = {
  exists: true,
  generation: 1,
  deleting: false,
  suspended: false,
  intervalMs: 3_600_000,
  retryIntervalMs: 3_600_000,
  timeoutMs: 60_000,
  prune: true,
  rollbackEnabled: false,
  checksHealth: false,
  source: { ready: true, artifact: { revision: 'main@sha1:aaa', digest: 'sha256:a', path: 'p/a.tar.gz' } },
  dependencies: { ready: true },
};

/** Every pass applies 2 new objects, reconfigures 1 and prunes 1. */
const activities: Partial<Activities> = {
  loadKustomization: async () => plan,
  buildKustomization: async () => ({ digest: 'sha256:build', objects: 3 }),
  validateKustomization: async () => ({ objects: 3 }),
  applyKustomization: async () => ({ created: 2, configured: 1, unchanged: 5, skipped: 0 }),
  pruneKustomization: async () => ({ deleted: 1, inventory: 7 }),
  writeStatus: async () => undefined,
};

/** A suspended object: each pass is one activity, so fifty of them stay quick. */
const suspended: Partial<Activities> = { loadKustomization: async () => ({ ...plan, suspended: true }) };

const old = (i: number): ReconcileResult => ({
  ready: true,
  reason: 'ReconciliationSucceeded',
  message: `earlier run ${i}`,
  steps: [],
  durationMs: 1,
});

describe('reconcile loop: the history ring of the progress query', () => {
  let env: TestWorkflowEnvironment;
  before(async () => (env = await createTestWorkflowEnv()));
  after(async () => env?.teardown());

  async function withWorker<T>(fn: (taskQueue: string) => Promise<T>, acts = activities): Promise<T> {
    const taskQueue = uniqueName('tq');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../../workflows/index.ts'),
      activities: acts,
    });
    return worker.runUntil(fn(taskQueue));
  }

  it('keeps the newest results first, stamped and counting objects changed, bounded, continuing the carried ring', async () => {
    await withWorker(async (taskQueue) => {
      const carried = Array.from({ length: RECENT_RESULTS }, (_, i) => old(i));
      // A run continued from an earlier one: state set (no pass at start), ring carried in the input.
      const handle = await env.client.workflow.start(kustomizationWorkflow, {
        taskQueue,
        workflowId: uniqueName('ks'),
        args: [{ ref, state: { handledGeneration: 1 }, nextInMs: 3_600_000, recent: carried } as never],
      });
      const result = await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      assert.equal(result.objectsChanged, 4, 'created + configured + pruned');
      const progress = await handle.query(progressQuery);
      assert.equal(progress.recent?.length, RECENT_RESULTS);
      assert.equal(progress.recent?.[0]?.objectsChanged, 4);
      assert.ok(!Number.isNaN(Date.parse(progress.recent?.[0]?.finishedAt ?? '')), 'finishedAt stamped');
      assert.equal(progress.recent?.[1]?.message, 'earlier run 0');
      assert.equal(progress.recent?.at(-1)?.message, `earlier run ${RECENT_RESULTS - 2}`, 'the oldest dropped');
      await handle.terminate();
    });
  });

  it('carries the ring across continue-as-new', async () => {
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start(kustomizationWorkflow, {
        taskQueue,
        workflowId: uniqueName('ks'),
        args: [{ ref, state: { handledGeneration: 1 }, nextInMs: 3_600_000 }],
      });
      const firstRun = (await handle.describe()).runId;
      for (let i = 0; i < MAX_PASSES_PER_RUN; i++) await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      let progress: ReconcileProgress | undefined;
      for (let tries = 0; tries < 100; tries++) {
        if ((await handle.describe()).runId !== firstRun) {
          progress = await handle.query(progressQuery);
          break;
        }
        await sleep(100);
      }
      assert.ok(progress, 'the workflow continued as new');
      assert.equal(progress.reconciles, 0, 'a new run');
      assert.equal(progress.recent?.length, RECENT_RESULTS);
      assert.equal(progress.recent?.[0]?.reason, 'Suspended');
      await handle.terminate();
    }, suspended);
  });
});

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Activities } from '../../../../activities/index.js';
import type { KustomizationPlan } from '../../../../activities/kustomization/types.js';
import { reconcileNowUpdate, requestReconcileSignal } from '../../../../api/messages.js';
import { workflowIdFor } from '../../../../api/workflow-ids.js';
import { createWorkerMetrics } from '../../../../workers/metrics/worker-metrics.js';
import { kustomizationWorkflow } from '../../../../workflows/index.js';
import { uniqueName } from '../../../support/names.js';
import { createTestWorkflowEnv } from '../../../support/temporal.js';
import { seriesValue } from './series.js';

const require = createRequire(import.meta.url);

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
  source: { ready: true, artifact: { revision: 'main@sha1:aaa', digest: 'sha256:aaa', path: 'p/aaa.tar.gz' } },
  dependencies: { ready: true },
};

/** Fake steps; the build waits `buildMs` so a request can arrive while a pass runs. */
function activities(buildMs: number): Partial<Activities> {
  return {
    loadKustomization: async () => plan,
    buildKustomization: async () => (
      await new Promise((r) => setTimeout(r, buildMs)),
      { digest: 'sha256:b', objects: 1 }
    ),
    validateKustomization: async () => ({ objects: 1 }),
    applyKustomization: async () => ({ created: 1, configured: 0, unchanged: 0, skipped: 0 }),
    pruneKustomization: async () => ({ deleted: 0, inventory: 1 }),
    writeStatus: async () => {},
  };
}

describe('reconcile metrics from workflows', () => {
  let env: TestWorkflowEnvironment;
  before(async () => (env = await createTestWorkflowEnv()));
  after(async () => env?.teardown());

  it('records each pass once, by object, with the wait of a request that arrived mid-pass', async () => {
    const metrics = createWorkerMetrics();
    const taskQueue = uniqueName('tq');
    const name = uniqueName('web');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../../../workflows/index.ts'),
      activities: activities(1500),
      sinks: metrics.sinks,
      interceptors: metrics.interceptors,
    });
    const object = { kind: 'Kustomization', namespace: 'apps', name };
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(kustomizationWorkflow, {
        taskQueue,
        workflowId: workflowIdFor({ cluster: 'test', ...object }),
        args: [{ ref: { namespace: 'apps', name } }],
      });
      // Both arrive while the first pass builds, and wait for it to end, ~1.5 s later.
      const first = handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      await new Promise((r) => setTimeout(r, 300));
      await handle.signal(requestReconcileSignal, { reason: 'annotation', requestedAt: 'now' });
      await first;
      await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      await handle.terminate();
    });
    const reg = metrics.registry;
    assert.equal(await seriesValue(reg, 'gotk_reconcile_duration_seconds', { ...object, le: '+Inf' }), 3);
    assert.equal(
      await seriesValue(reg, 'ballast_reconciles_total', {
        ...object,
        result: 'success',
        reason: 'ReconciliationSucceeded',
      }),
      3
    );
    const lag = (le: string): Promise<number | undefined> =>
      seriesValue(reg, 'ballast_reconcile_request_lag_seconds', { kind: 'Kustomization', le });
    // The first pass runs as the workflow starts, before any request; the two after it were asked for.
    assert.equal(await lag('+Inf'), 2);
    assert.ok(((await lag('5')) ?? 0) - ((await lag('0.5')) ?? 0) >= 1, 'the mid-pass request waited ~1 s');
    assert.equal(
      await seriesValue(reg, 'ballast_step_duration_seconds', {
        kind: 'Kustomization',
        step: 'buildKustomization',
        result: 'success',
        le: '+Inf',
      }),
      3
    );
  });
});

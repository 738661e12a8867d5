import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { ReconcileResult } from '../../../../api/messages.js';
import { createReconcileMetrics, FLUX_DURATION_BUCKETS } from '../../../../workers/metrics/reconcile-metrics.js';
import { objectOfWorkflow, reconcileSinks } from '../../../../workers/metrics/workflow-sinks.js';
import { seriesValue } from './series.js';

const web = { kind: 'Kustomization', namespace: 'apps', name: 'web' };
const result = (over: Partial<ReconcileResult> = {}): ReconcileResult => ({
  ready: true,
  reason: 'ReconciliationSucceeded',
  message: 'Applied revision: main@sha1:a',
  steps: ['load', 'build', 'validate', 'apply', 'prune'],
  durationMs: 1500,
  ...over,
});

describe('reconcile metrics', () => {
  it("uses Flux's histogram buckets: 10ns × 10^i for i in 0..9", () => {
    assert.deepEqual(FLUX_DURATION_BUCKETS, [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10]);
  });

  it('records the duration per object, the outcome and reason, and remediation steps', async () => {
    const registry = new Registry();
    const metrics = createReconcileMetrics(registry);
    metrics.recordPass(web, { result: result(), waitedMs: 250 });
    metrics.recordPass(web, {
      result: result({ ready: false, reason: 'RolledBack', steps: ['load', 'build', 'health', 'rollback', 'build'] }),
    });
    const count = await seriesValue(registry, 'gotk_reconcile_duration_seconds', {
      ...web,
      le: '+Inf',
    });
    assert.equal(count, 2);
    assert.equal(await seriesValue(registry, 'gotk_reconcile_duration_seconds', { ...web, le: '1' }), 0);
    assert.equal(await seriesValue(registry, 'gotk_reconcile_duration_seconds', { ...web, le: '10' }), 2);
    assert.equal(
      await seriesValue(registry, 'ballast_reconciles_total', {
        ...web,
        result: 'success',
        reason: 'ReconciliationSucceeded',
      }),
      1
    );
    assert.equal(
      await seriesValue(registry, 'ballast_reconciles_total', { ...web, result: 'failure', reason: 'RolledBack' }),
      1
    );
    assert.equal(await seriesValue(registry, 'ballast_rollbacks_total', web), 1);
    assert.equal(await seriesValue(registry, 'ballast_remediations_total', { ...web, action: 'rollback' }), 1);
    // Only the pass a request woke has a lag.
    assert.equal(
      await seriesValue(registry, 'ballast_reconcile_request_lag_seconds', { kind: 'Kustomization', le: '+Inf' }),
      1
    );
    assert.equal(
      await seriesValue(registry, 'ballast_reconcile_request_lag_seconds', { kind: 'Kustomization', le: '0.1' }),
      0
    );
    assert.equal(
      await seriesValue(registry, 'ballast_reconcile_request_lag_seconds', { kind: 'Kustomization', le: '0.5' }),
      1
    );
  });

  it('counts a HelmRelease uninstall remediation without calling it a rollback', async () => {
    const registry = new Registry();
    const hr = { kind: 'HelmRelease', namespace: 'apps', name: 'db' };
    createReconcileMetrics(registry).recordPass(hr, {
      result: result({ ready: false, reason: 'InstallFailed', steps: ['load', 'observe', 'install', 'uninstall'] }),
    });
    assert.equal(await seriesValue(registry, 'ballast_remediations_total', { ...hr, action: 'uninstall' }), 1);
    assert.equal(await seriesValue(registry, 'ballast_rollbacks_total', hr), undefined);
  });
});

describe('reconcile metrics sink', () => {
  it('reads the object from the workflow ID, and keeps foreign workflows apart', () => {
    assert.deepEqual(objectOfWorkflow('prod/HelmRelease/apps/db', 'helmReleaseWorkflow'), {
      kind: 'HelmRelease',
      namespace: 'apps',
      name: 'db',
    });
    assert.deepEqual(objectOfWorkflow('adhoc-1', 'previewWorkflow'), {
      kind: 'previewWorkflow',
      namespace: '',
      name: 'adhoc-1',
    });
  });

  it('is not called on replay, and records the pass it receives', async () => {
    const registry = new Registry();
    const sinks = reconcileSinks(createReconcileMetrics(registry));
    const call = sinks.reconcileMetrics.passFinished;
    assert.notEqual(call.callDuringReplay, true);
    const info = { workflowId: 'local/Kustomization/apps/web', workflowType: 'kustomizationWorkflow' };
    await call.fn(info as Parameters<typeof call.fn>[0], { result: result() });
    assert.equal(await seriesValue(registry, 'gotk_reconcile_duration_seconds', { ...web, le: '+Inf' }), 1);
  });
});

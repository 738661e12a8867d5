import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createStepMetrics } from '../../../../workers/metrics/step-metrics.js';
import { seriesValue } from './series.js';

const drop = (): void => {};
const logger = { log: drop, trace: drop, debug: drop, info: drop, warn: drop, error: drop };

/** An activity environment as a worker runs `activityType` of the Kustomization workflow, at `attempt`. */
function env(
  interceptor: ReturnType<typeof createStepMetrics>,
  activityType: string,
  attempt: number
): MockActivityEnvironment {
  return new MockActivityEnvironment(
    {
      activityType,
      attempt,
      workflowType: 'kustomizationWorkflow',
      workflowExecution: { workflowId: 'local/Kustomization/apps/web', runId: 'r' },
    },
    { interceptors: [interceptor], logger }
  );
}

describe('step metrics', () => {
  it('times every attempt of a step by outcome and counts attempts after the first as retries', async () => {
    const registry = new Registry();
    const steps = createStepMetrics(registry);
    await env(steps, 'buildKustomization', 1).run(async () => 'built');
    await assert.rejects(
      env(steps, 'applyKustomization', 1).run(async () => {
        throw new Error('conflict');
      })
    );
    await env(steps, 'applyKustomization', 2).run(async () => 'applied');
    const labels = (step: string, result: string): Record<string, string> => ({
      kind: 'Kustomization',
      step,
      result,
      le: '+Inf',
    });
    assert.equal(
      await seriesValue(registry, 'ballast_step_duration_seconds', labels('buildKustomization', 'success')),
      1
    );
    assert.equal(
      await seriesValue(registry, 'ballast_step_duration_seconds', labels('applyKustomization', 'failure')),
      1
    );
    assert.equal(
      await seriesValue(registry, 'ballast_step_duration_seconds', labels('applyKustomization', 'success')),
      1
    );
    assert.equal(
      await seriesValue(registry, 'ballast_step_retries_total', { kind: 'Kustomization', step: 'applyKustomization' }),
      1
    );
    assert.equal(
      await seriesValue(registry, 'ballast_step_retries_total', { kind: 'Kustomization', step: 'buildKustomization' }),
      undefined
    );
  });
});

/**
 * Metrics of reconcile steps. Every activity of a reconcile is one step (`buildKustomization`,
 * `helmUpgrade`, `writeStatus`…), so a worker activity interceptor observes them all without a
 * line in the activities themselves.
 *
 * @module
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Histogram, type Registry } from 'prom-client';
import { objectOfWorkflow } from './workflow-sinks.js';

const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Registers the step metrics and returns the interceptor that feeds them. */
export function createStepMetrics(registry: Registry): ActivityInterceptorsFactory {
  const registers = [registry];
  const duration = new Histogram({
    name: 'ballast_step_duration_seconds',
    help: 'Duration of one attempt of a reconcile step (a Temporal activity), by outcome.',
    labelNames: ['kind', 'step', 'result'],
    buckets: STEP_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: 'ballast_step_retries_total',
    help: 'Attempts of a reconcile step after its first (Temporal activity attempt > 1).',
    labelNames: ['kind', 'step'],
    registers,
  });
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const { info } = ctx;
        const wf = info.workflowExecution;
        const kind = wf ? objectOfWorkflow(wf.workflowId, info.workflowType ?? '').kind : '';
        const labels = { kind, step: info.activityType };
        if (info.attempt > 1) retries.inc(labels);
        const stop = duration.startTimer(labels);
        try {
          const result = await next(input);
          stop({ result: 'success' });
          return result;
        } catch (err) {
          stop({ result: 'failure' });
          throw err;
        }
      },
    },
  });
}

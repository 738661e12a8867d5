/**
 * Everything a worker measures, on one prom-client registry served at the worker's /metrics:
 * reconcile metrics through the workflows' sink, step metrics through an activity interceptor,
 * and Node's process metrics. Temporal's own SDK metrics come from the Core runtime on a port of
 * their own (workers/temporal-runtime.ts).
 *
 * @module
 */
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ReconcileSinks } from '../../api/sinks.js';
import { createReconcileMetrics } from './reconcile-metrics.js';
import { createStepMetrics } from './step-metrics.js';
import { reconcileSinks } from './workflow-sinks.js';

/** What `Worker.create` needs to feed the registry. */
export interface WorkerMetrics {
  registry: Registry;
  sinks: InjectedSinks<ReconcileSinks>;
  interceptors: WorkerInterceptors;
}

/** Registers the worker's metrics on `registry` (a fresh one by default). */
export function createWorkerMetrics(registry: Registry = new Registry()): WorkerMetrics {
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    sinks: reconcileSinks(createReconcileMetrics(registry)),
    interceptors: { activity: [createStepMetrics(registry)] },
  };
}

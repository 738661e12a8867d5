/**
 * Workflow sinks: how reconcile workflows hand measurements to their worker without putting them
 * in history. A sink call is not a command, is not recorded and is not made again on replay, so
 * adding one never breaks determinism (see the worker's `InjectedSinks` in workers/metrics/).
 *
 * @module
 */
import type { Sinks } from '@temporalio/workflow';
import type { ReconcileResult } from './messages.js';

/** What the reconcile loop reports after each pass. */
export interface PassReport {
  result: ReconcileResult;
  /**
   * Milliseconds the oldest request of this pass waited before the pass started (workflow time:
   * from the signal or update being handled to the pass starting). Absent for a pass the interval
   * woke.
   */
  waitedMs?: number;
}

/** The sinks reconcile workflows call; the worker injects their implementation. */
export interface ReconcileSinks extends Sinks {
  reconcileMetrics: {
    passFinished(report: PassReport): void;
  };
}

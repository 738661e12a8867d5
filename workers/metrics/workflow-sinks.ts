/**
 * The worker side of the reconcile workflows' metrics sink. Sink calls are not in history and are
 * not made again on replay (`callDuringReplay` stays false), so a reconcile is counted once even
 * when its workflow is replayed on another worker.
 *
 * @module
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { ReconcileSinks } from '../../api/sinks.js';
import { parseWorkflowId } from '../../api/workflow-ids.js';
import type { ObjectLabels, ReconcileMetrics } from './reconcile-metrics.js';

/** The object a workflow reconciles, from its ID (`<cluster>/<kind>/<namespace>/<name>`). */
export function objectOfWorkflow(workflowId: string, workflowType: string): ObjectLabels {
  const ref = parseWorkflowId(workflowId);
  // A workflow started under a foreign ID still gets counted, under its type.
  return ref
    ? { kind: ref.kind, namespace: ref.namespace, name: ref.name }
    : { kind: workflowType, namespace: '', name: workflowId };
}

/** Sinks to pass to `Worker.create({ sinks })`. */
export function reconcileSinks(metrics: ReconcileMetrics): InjectedSinks<ReconcileSinks> {
  return {
    reconcileMetrics: {
      passFinished: {
        fn: (info, report) => metrics.recordPass(objectOfWorkflow(info.workflowId, info.workflowType), report),
      },
    },
  };
}

/**
 * Reconcile on demand, for the CLI and the HTTP API: a Temporal Update on the object's workflow,
 * so the caller gets the result of the reconcile its request caused, not of some later one.
 * Concurrent callers whose requests arrive before the next pass starts share that pass (the
 * workflow coalesces them), so a burst of triggers costs one reconcile.
 */
import { WorkflowNotFoundError, WorkflowUpdateStage, type Client } from '@temporalio/client';
import {
  progressQuery,
  reconcileNowUpdate,
  type ReconcileProgress,
  type ReconcileReason,
  type ReconcileResult,
} from '../api/messages.js';
import { workflowIdFor, type ObjectRef } from '../api/workflow-ids.js';

export interface ReconcileOptions {
  reason?: ReconcileReason;
  /** Called with the workflow's progress while the reconcile runs (polled by query). */
  onProgress?: (progress: ReconcileProgress) => void;
  /** Poll period of `onProgress`; default 250 ms. */
  pollMs?: number;
}

/** The object has no reconcile workflow: it does not exist, or no controller has seen it yet. */
export class NoReconcilerError extends Error {
  constructor(readonly ref: ObjectRef) {
    super(
      `no Ballast workflow for ${ref.kind} ${ref.namespace}/${ref.name} in cluster "${ref.cluster}": ` +
        'check that the object exists and that the Ballast controller is running'
    );
  }
}

/** Asks for a reconcile and waits for its result. */
export async function reconcileAndWait(
  temporal: Client,
  ref: ObjectRef,
  opts: ReconcileOptions = {}
): Promise<ReconcileResult> {
  const handle = temporal.workflow.getHandle(workflowIdFor(ref));
  let update;
  try {
    update = await handle.startUpdate(reconcileNowUpdate, {
      args: [{ reason: opts.reason ?? 'manual' }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NoReconcilerError(ref);
    throw err;
  }
  const onProgress = opts.onProgress;
  if (!onProgress) return update.result();
  const timer = setInterval(() => {
    handle
      .query(progressQuery)
      .then(onProgress)
      .catch(() => undefined); // progress is best effort; the result below is what counts
  }, opts.pollMs ?? 250);
  try {
    return await update.result();
  } finally {
    clearInterval(timer);
  }
}

/** The workflow's current progress (running step and last result), without triggering anything. */
export async function reconcileProgress(temporal: Client, ref: ObjectRef): Promise<ReconcileProgress> {
  try {
    return await temporal.workflow.getHandle(workflowIdFor(ref)).query(progressQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NoReconcilerError(ref);
    throw err;
  }
}

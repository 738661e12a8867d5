/**
 * The asynchronous half of the reconcile API: start a `reconcileNow` Update without waiting for
 * its result, and look the result up later by the Update's ID. The handle is Temporal's own
 * (workflow run + update ID), so any controller replica can answer the poll and nothing is kept
 * in this process. Waiting callers use `reconcileAndWait` of client/reconcile.ts instead.
 *
 * @module
 */
import {
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
  type Client,
} from '@temporalio/client';
import { reconcileNowUpdate, type ReconcileResult } from '../../api/messages.js';
import { workflowIdFor, type ObjectRef } from '../../api/workflow-ids.js';
import { NoReconcilerError } from '../../client/reconcile.js';

/** A request the workflow accepted. */
export interface StartedReconcile {
  workflowId: string;
  updateId: string;
  runId: string;
}

/** The poll named an update the workflow run does not know (wrong ID, or a run since purged). */
export class UnknownRequestError extends Error {}

/** Asks for a reconcile and returns once the workflow has accepted the request. */
export async function startReconcile(temporal: Client, ref: ObjectRef): Promise<StartedReconcile> {
  const workflowId = workflowIdFor(ref);
  try {
    const update = await temporal.workflow.getHandle(workflowId).startUpdate(reconcileNowUpdate, {
      args: [{ reason: 'manual' }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    return { workflowId, updateId: update.updateId, runId: update.workflowRunId ?? '' };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NoReconcilerError(ref);
    throw err;
  }
}

/**
 * The result of an accepted request, or undefined while it is still running. Waits at most
 * `waitMs` for it: the server answers at once when the Update has completed.
 */
export async function reconcileOutcome(
  temporal: Client,
  ref: ObjectRef,
  request: { updateId: string; runId?: string },
  waitMs = 250
): Promise<ReconcileResult | undefined> {
  const runId = request.runId || undefined;
  const update = temporal.workflow
    .getHandle(workflowIdFor(ref), runId)
    .getUpdateHandle<ReconcileResult>(request.updateId, { workflowRunId: runId });
  try {
    return await temporal.connection.withDeadline(Date.now() + waitMs, () => update.result());
  } catch (err) {
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return undefined;
    if (err instanceof WorkflowNotFoundError) {
      throw new UnknownRequestError(`no reconcile request ${request.updateId} for ${workflowIdFor(ref)}`);
    }
    throw err;
  }
}

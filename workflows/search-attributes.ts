/** Search attributes every reconcile workflow keeps current: Ready and the last revision. */
import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ReconcileResult } from '../api/messages.js';
import { BallastReady, BallastRevision } from '../api/search-attributes.js';

/**
 * Runs started by an older Ballast wrote status and search attributes on every pass; replaying
 * them must issue the same commands, so the skipping below applies only to runs that carry this
 * patch marker (new runs, and every run after the next continue-as-new).
 */
export const SKIP_UNCHANGED_WRITES = 'skip-unchanged-status-writes';

/** Upserts Ready and Revision only when they differ from what the workflow carries: each upsert is a history event. */
export function upsertChangedSearchAttributes(result: ReconcileResult): void {
  if (patched(SKIP_UNCHANGED_WRITES)) upsertOnlyChanged(result);
  else upsertAll(result);
}

/** What every pass did before SKIP_UNCHANGED_WRITES, and what replaying such a pass must do again. */
export function upsertAll(result: ReconcileResult): void {
  upsertSearchAttributes([
    { key: BallastReady, value: result.ready },
    ...(result.revision ? [{ key: BallastRevision, value: result.revision }] : []),
  ]);
}

/** Upserts only what differs from the workflow's current search attributes; nothing when nothing does. */
export function upsertOnlyChanged(result: ReconcileResult): void {
  const current = workflowInfo().typedSearchAttributes;
  const updates = [
    ...(current.get(BallastReady) === result.ready ? [] : [{ key: BallastReady, value: result.ready }]),
    ...(result.revision && current.get(BallastRevision) !== result.revision
      ? [{ key: BallastRevision, value: result.revision }]
      : []),
  ];
  if (updates.length > 0) upsertSearchAttributes(updates);
}

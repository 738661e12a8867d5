/**
 * Signals, updates and queries of the reconcile workflows. Constants are `<name>Signal|Update|Query`,
 * wire names are `<name>`. Signals carry small tokens, never a spec: the cluster is the source of truth.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Why a reconcile was asked for; shown in the UI and in status messages. */
export type ReconcileReason =
  | 'created' // the controller saw the object for the first time (or after a restart)
  | 'generation' // spec changed
  | 'annotation' // reconcile.fluxcd.io/requestedAt changed
  | 'source' // the source has a new artifact revision
  | 'dependency' // a dependsOn target became Ready
  | 'deleted' // deletionTimestamp is set
  | 'config' // a ConfigMap or Secret it reads, labelled reconcile.fluxcd.io/watch=Enabled, changed
  | 'manual'; // API / CLI

/** Payload of {@link requestReconcileSignal}. Idempotent: the workflow drops requests it has already handled. */
export interface ReconcileRequest {
  reason: ReconcileReason;
  /** Object generation the controller saw; a reconcile that already handled it ignores the request. */
  generation?: number;
  /** Value of reconcile.fluxcd.io/requestedAt, echoed as status.lastHandledReconcileAt. */
  requestedAt?: string;
  /** New source revision (reason 'source'); a health-check wait for an older revision is cancelled. */
  revision?: string;
  /** Identifies the triggering event (reason 'dependency': which dependency, at which revision). */
  token?: string;
}

export const requestReconcileSignal = defineSignal<[ReconcileRequest]>('requestReconcile');

/** The outcome of one reconcile, as returned to a caller of {@link reconcileNowUpdate}. */
export interface ReconcileResult {
  ready: boolean;
  reason: string;
  message: string;
  revision?: string;
  /** Steps run, in order, for progress display and history. */
  steps: string[];
  durationMs: number;
  /** Objects created, configured or deleted by the pass, when the kind counts them (Kustomization). */
  objectsChanged?: number;
  /** When the pass finished (ISO 8601); stamped by the loop for the history ring. */
  finishedAt?: string;
}

/** Triggers a reconcile and returns *its* result, not that of some later one. */
export const reconcileNowUpdate = defineUpdate<ReconcileResult, [{ reason?: ReconcileReason }]>('reconcileNow');

/** What the workflow is doing right now. */
export interface ReconcileProgress {
  /** Step currently running, e.g. 'build'; 'idle' between reconciles. */
  step: string;
  reconciles: number;
  last?: ReconcileResult;
  /** The newest reconciles, newest first, at most {@link RECENT_RESULTS}; carried across continue-as-new. */
  recent?: ReconcileResult[];
}

/** How many past results the progress query keeps: enough for `ballast history`, small enough for the input. */
export const RECENT_RESULTS = 20;

export const progressQuery = defineQuery<ReconcileProgress>('progress');

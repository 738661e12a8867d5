/**
 * Inputs and results of the Kustomization activities. Everything here crosses workflow history,
 * so it holds references (revisions, digests, counts, short messages), never manifests or values.
 */

/** Namespace/name of the Kustomization being reconciled. */
export interface KustomizationRef {
  namespace: string;
  name: string;
}

/** A source artifact by reference: the store path plus the digest it must have. */
export interface ArtifactRef {
  revision: string;
  digest: string;
  path: string;
}

/** What the workflow needs to decide the next step; read fresh from the cluster every reconcile. */
export interface KustomizationPlan {
  exists: boolean;
  generation: number;
  deleting: boolean;
  suspended: boolean;
  /** Spec failed validation: the message names every bad field; the object is Stalled until edited. */
  invalidSpec?: string;
  /** A reference the multi-tenancy lockdown refuses (Flux's AccessDenied); nothing is built or applied. */
  accessDenied?: string;
  intervalMs: number;
  retryIntervalMs: number;
  timeoutMs: number;
  prune: boolean;
  rollbackEnabled: boolean;
  /** `wait: true` or `healthChecks` present. */
  checksHealth: boolean;
  requestedAt?: string;
  lastAppliedRevision?: string;
  source: { ready: true; artifact: ArtifactRef } | { ready: false; message: string };
  dependencies: { ready: true } | { ready: false; message: string };
}

/** Input of every step that works on a build. */
export interface StepInput {
  ref: KustomizationRef;
  generation: number;
  artifact: ArtifactRef;
}

export interface BuildResult {
  digest: string;
  objects: number;
}

export interface ApplyResult {
  created: number;
  configured: number;
  unchanged: number;
  skipped: number;
}

export interface ApplyInput extends StepInput {
  /**
   * Server-side dry-run every object first, all or nothing, as `validateKustomization` does: the
   * workflow leaves it off for a build identical to the last one applied.
   */
  validate?: boolean;
}

export interface PruneInput extends StepInput {
  prune: boolean;
}

export interface PruneResult {
  deleted: number;
  inventory: number;
}

export interface HealthInput extends StepInput {
  timeoutMs: number;
}

export interface HealthResult {
  healthy: boolean;
  message: string;
}

/** A condition to set; `remove` drops it. */
export type ConditionChange = { status: 'True' | 'False' | 'Unknown'; reason: string; message: string } | 'remove';

/** Status changes one writeStatus call makes; omitted fields are left as they are. */
export interface StatusInput {
  /** Kind of the object (a served kind's name); Kustomization when omitted. */
  kind?: string;
  ref: KustomizationRef;
  /** Other status fields to set as given (small values only: artifact references, observed fields). */
  fields?: Record<string, unknown>;
  /** Extra conditions by type (sources: ArtifactInStorage, FetchFailed…). */
  conditions?: Record<string, ConditionChange>;
  ready: ConditionChange;
  reconciling?: ConditionChange;
  healthy?: ConditionChange;
  stalled?: ConditionChange;
  observedGeneration?: number;
  lastAttemptedRevision?: string;
  lastAppliedRevision?: string;
  lastHandledReconcileAt?: string;
  /** Adds or bumps a history snapshot. */
  history?: { digest: string; status: string; revision: string; durationMs: number };
}

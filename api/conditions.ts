/**
 * Condition types and pure helpers over `status.conditions`. Pure so workflows, activities and
 * tests compute the same next status; the caller supplies the time.
 *
 * @module
 */
import { toKubeTime, type Condition, type ConditionStatus } from './meta.js';

/**
 * The condition types Flux sets (fluxcd/pkg apis/meta, source-controller, kustomize-controller,
 * helm-controller). "Abnormal-true" types (Reconciling, Stalled, ArtifactOutdated, FetchFailed,
 * BuildFailed, StorageOperationFailed, IncludeUnavailable) are present only while True.
 */
export const ConditionType = {
  /** Normal polarity; True once the object is fully reconciled. Every kind has it. */
  Ready: 'Ready',
  /** Abnormal-true; the reconcile is in progress (reason Progressing or ProgressingWithRetry). */
  Reconciling: 'Reconciling',
  /** Abnormal-true; a terminal error that retrying will not fix. */
  Stalled: 'Stalled',
  /** Kustomization: result of the last health check; removed when there are no checks. */
  Healthy: 'Healthy',
  /** Sources: the artifact in status is present in storage. */
  ArtifactInStorage: 'ArtifactInStorage',
  /** Sources: the spec changed and the stored artifact is no longer what it asks for. */
  ArtifactOutdated: 'ArtifactOutdated',
  /** Sources: fetching from upstream failed. */
  FetchFailed: 'FetchFailed',
  /** Sources: building the artifact failed. */
  BuildFailed: 'BuildFailed',
  /** Sources: writing or reading artifact storage failed. */
  StorageOperationFailed: 'StorageOperationFailed',
  /** Sources: result of signature verification. */
  SourceVerified: 'SourceVerified',
  /** GitRepository: an included repository has no artifact. */
  IncludeUnavailable: 'IncludeUnavailable',
  /** HelmRelease: result of the last release action. */
  Released: 'Released',
  /** HelmRelease: result of the last Helm test. */
  TestSuccess: 'TestSuccess',
  /** HelmRelease: result of the last remediation. */
  Remediated: 'Remediated',
  /** HelmRelease: the cluster drifted from the release manifest. */
  Drifted: 'Drifted',
} as const;

/** A condition type Flux sets. `Condition.type` stays a string so foreign types survive. */
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** What a caller decides when setting a condition; the helper decides `lastTransitionTime`. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
}

/**
 * Returns `conditions` with `update` set, leaving the input untouched. `lastTransitionTime` is kept
 * when the status did not change, so it records when the status last flipped (not when a reason or
 * message changed), as `meta.SetStatusCondition` does. A new type is appended; an existing one keeps
 * its place, so repeated writes do not reorder the list.
 *
 * @example setCondition(obj.status.conditions, { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' }, now)
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  update: ConditionUpdate,
  now: Date
): Condition[] {
  const list = conditions ?? [];
  const existing = list.find((c) => c.type === update.type);
  const lastTransitionTime =
    existing && existing.status === update.status ? existing.lastTransitionTime : toKubeTime(now);
  const next: Condition = { ...update, lastTransitionTime };
  if (!existing) return [...list, next];
  return list.map((c) => (c === existing ? next : c));
}

/** The condition of `type`, or undefined. */
export function getCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Returns `conditions` without the condition of `type` (used for abnormal-true types once resolved). */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** Whether the condition of `type` is present with status True. */
export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return getCondition(conditions, type)?.status === 'True';
}

/**
 * Whether `Ready` is True. Callers that need "ready for this generation" (dependsOn) must also
 * compare `status.observedGeneration` with `metadata.generation`.
 */
export function isReady(conditions: readonly Condition[] | undefined): boolean {
  return isTrue(conditions, ConditionType.Ready);
}

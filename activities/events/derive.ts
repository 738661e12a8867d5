/**
 * Which events a status change means, following Flux's controllers:
 *
 * - failures (Ready=False) are reported every time, as Warnings; Kubernetes folds repeats into one
 *   Event with a count. DependencyNotReady is informational, as in kustomize-controller.
 * - success (Ready=True) is reported when something changed: the first success, a new revision
 *   applied or stored, a recovery from Ready=False or Healthy=False (kustomize-controller reports
 *   applies only when they changed something, and a passed health check only after a failed one).
 * - a reconcile that starts on a new revision reports Progressing (a Kubernetes Event only, as
 *   Flux's trace events are; see {@link KUBERNETES_ONLY_REASONS}).
 * - each Helm action reports its outcome every time it runs (helm-controller): the Released,
 *   TestSuccess and Remediated conditions a write sets, even to the value they had.
 * - a Kustomization rollback (Ballast's Ready=RolledBack) reports the health check that failed,
 *   naming the bad revision, and RollbackSucceeded, naming the restored one.
 *
 * Pure: the status writer hands in the status before and after its patch.
 *
 * @module
 */
import type { EventSeverity, FluxEvent, InvolvedObject } from '../../api/events.js';
import { Reason } from '../../api/reasons.js';

/** A condition as status holds it. */
export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The status fields events read. */
export interface StatusView {
  conditions?: ConditionView[];
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  /** HelmRelease: digest of the values, Flux's event token. */
  lastAttemptedConfigDigest?: string;
  artifact?: { revision?: string };
}

/** One status write, as the status writer saw it. */
export interface StatusTransition {
  object: InvolvedObject & { group: string };
  before: StatusView;
  after: StatusView;
  /** Condition types the write set, even to the value they already had (an action that ran again). */
  written: readonly string[];
  /** RFC 3339. */
  timestamp: string;
  reportingInstance?: string;
}

/** An event before the common fields are filled in. */
interface Draft {
  severity: EventSeverity;
  reason: string;
  message: string;
  /** Overrides the kind's usual revision (a rollback names two). */
  revision?: string;
  /**
   * A successful reconcile of an applier: Flux marks it `<group>/commit_status: update` so Git
   * providers set a success status on the commit (they ignore other info events).
   */
  commitStatus?: boolean;
}

const REPORTING_CONTROLLERS: Record<string, string> = {
  'kustomize.toolkit.fluxcd.io': 'kustomize-controller',
  'helm.toolkit.fluxcd.io': 'helm-controller',
  'source.toolkit.fluxcd.io': 'source-controller',
  'notification.toolkit.fluxcd.io': 'notification-controller',
};

/** The Flux controller that owns an API group; dashboards and Alerts filter on it. */
export function reportingControllerFor(group: string): string {
  return REPORTING_CONTROLLERS[group] ?? 'ballast';
}

/**
 * Reasons Flux records only as Kubernetes Events (its `trace` severity) and never sends to
 * notification-controller: Alerts do not see a reconcile start, only its outcome.
 */
export const KUBERNETES_ONLY_REASONS: ReadonlySet<string> = new Set([Reason.Progressing]);

/** Conditions that record the outcome of one Helm action. */
const ACTION_CONDITIONS = ['Released', 'TestSuccess', 'Remediated'] as const;

const find = (s: StatusView, type: string): ConditionView | undefined => s.conditions?.find((c) => c.type === type);
const same = (a?: ConditionView, b?: ConditionView): boolean =>
  a?.status === b?.status && a?.reason === b?.reason && a?.message === b?.message;
const draft = (severity: EventSeverity, c: ConditionView, revision?: string): Draft => ({
  severity,
  reason: c.reason ?? c.type,
  message: c.message ?? '',
  ...(revision ? { revision } : {}),
});

/** The revision an event names, per kind, as Flux's controllers choose it. */
function revisionOf(t: StatusTransition, ready: boolean): string | undefined {
  const s = t.after;
  if (t.object.kind === 'Kustomization') return ready ? s.lastAppliedRevision : s.lastAttemptedRevision;
  if (t.object.kind === 'HelmRelease') return s.lastAttemptedRevision;
  return s.artifact?.revision;
}

/** Helm actions that ran in this write, and drift that changed. */
function actionEvents(t: StatusTransition): Draft[] {
  const drafts: Draft[] = [];
  for (const type of ACTION_CONDITIONS) {
    const c = find(t.after, type);
    if (c && t.written.includes(type)) drafts.push(draft(c.status === 'False' ? 'error' : 'info', c));
  }
  const drift = find(t.after, 'Drifted');
  if (drift && drift.reason !== Reason.NoDriftDetected && !same(drift, find(t.before, 'Drifted')))
    drafts.push(draft(drift.status === 'True' ? 'error' : 'info', drift));
  return drafts;
}

function progressingEvents(t: StatusTransition): Draft[] {
  const attempted = t.after.lastAttemptedRevision;
  if (!attempted || attempted === t.before.lastAttemptedRevision) return [];
  const c = find(t.after, 'Reconciling') ?? find(t.after, 'Ready');
  return c ? [{ ...draft('info', c, attempted), reason: Reason.Progressing }] : [];
}

function failureEvents(t: StatusTransition, ready: ConditionView): Draft[] {
  if (ready.reason === Reason.RolledBack) {
    const health = find(t.after, 'Healthy') ?? ready;
    return [
      { ...draft('error', health, t.after.lastAttemptedRevision), reason: Reason.HealthCheckFailed },
      { ...draft('info', ready, t.after.lastAppliedRevision), reason: Reason.RollbackSucceeded },
    ];
  }
  return [draft(ready.reason === Reason.DependencyNotReady ? 'info' : 'error', ready)];
}

function successEvents(t: StatusTransition, ready: ConditionView): Draft[] {
  const was = find(t.before, 'Ready');
  const newArtifact = t.after.artifact?.revision !== t.before.artifact?.revision;
  const newApplied = t.after.lastAppliedRevision !== t.before.lastAppliedRevision;
  // A Kustomization pass goes through Ready=Unknown (Progressing), so "was" is often not the last
  // outcome: recovery is read from Ready=False (kinds without that step) or from Healthy, as
  // kustomize-controller reports "health check passed" only when the last check had not.
  const wasHealthy = find(t.before, 'Healthy')?.status;
  const recovered = was?.status === 'False' || (find(t.after, 'Healthy')?.status === 'True' && wasHealthy === 'False');
  const changed = newArtifact || newApplied || (was?.status === 'True' && was.message !== ready.message);
  if (was && !recovered && !changed) return [];
  // source-controller names a stored revision NewArtifact.
  const isSource = reportingControllerFor(t.object.group) === 'source-controller';
  if (isSource) return [{ ...draft('info', ready), ...(newArtifact ? { reason: Reason.NewArtifact } : {}) }];
  return [{ ...draft('info', ready), commitStatus: true }];
}

function readyEvents(t: StatusTransition): Draft[] {
  const ready = find(t.after, 'Ready');
  if (!ready) return [];
  if (ready.status === 'Unknown') return ready.reason === Reason.Progressing ? progressingEvents(t) : [];
  return ready.status === 'False' ? failureEvents(t, ready) : successEvents(t, ready);
}

/** The events a status write means, oldest first; none when nothing worth telling changed. */
export function eventsForTransition(t: StatusTransition): FluxEvent[] {
  const actions = actionEvents(t);
  // Ready repeats the last Helm action's reason; the action's event already told it.
  const told = new Set(actions.map((d) => d.reason));
  const drafts = [...actions, ...readyEvents(t).filter((d) => !told.has(d.reason))];
  const { group, ...involvedObject } = t.object;
  const ready = find(t.after, 'Ready')?.status === 'True';
  const metadata = (d: Draft): Record<string, string> => {
    const revision = d.revision ?? revisionOf(t, ready);
    const token = t.object.kind === 'HelmRelease' ? t.after.lastAttemptedConfigDigest : undefined;
    return {
      ...(revision ? { [`${group}/revision`]: revision } : {}),
      ...(token ? { [`${group}/token`]: token } : {}),
      ...(d.commitStatus ? { [`${group}/commit_status`]: 'update' } : {}),
    };
  };
  return drafts.map((d) => ({
    involvedObject,
    severity: d.severity,
    timestamp: t.timestamp,
    message: d.message,
    reason: d.reason,
    metadata: metadata(d),
    reportingController: reportingControllerFor(group),
    ...(t.reportingInstance ? { reportingInstance: t.reportingInstance } : {}),
  }));
}

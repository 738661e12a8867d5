/**
 * What a HelmRelease reconcile does next, decided from the release in Helm storage, the desired
 * chart and values, `status.history` and the failure counters. Pure and deterministic: it runs in
 * the workflow sandbox, and the table test in test/unit/workflows/helmrelease-decide.test.ts pins
 * each row of helm-controller's release-state table (flux-api.md §3 step 12).
 *
 * The workflow calls it in a loop: run the action, record the outcome (history snapshot, failure
 * counters, conditions), read the release again and decide again, until the answer is `none` or
 * `stall`, or the action asks for a requeue (RetryOnFailure, uninstall remediation).
 *
 * @module
 */
import type { RemediationPolicy } from '../api/helmrelease-actions.js';
import type { HelmReleaseSnapshot } from '../api/helmrelease.js';
import { Reason } from '../api/reasons.js';

/** Helm's release status, as stored in the release Secret. */
export type HelmStorageStatus =
  | 'deployed'
  | 'failed'
  | 'pending-install'
  | 'pending-upgrade'
  | 'pending-rollback'
  | 'uninstalled'
  | 'superseded'
  | 'uninstalling'
  | 'unknown';

/** The latest release in Helm storage, as the activity that reads it reports it. */
export interface StoredRelease {
  revision: number;
  status: HelmStorageStatus;
  chartName: string;
  chartVersion: string;
  configDigest: string;
  /** Digest of the release object; compared with the snapshot's when both are known. */
  digest?: string;
}

/** The chart and values this reconcile wants released. */
export interface DesiredRelease {
  chartName: string;
  chartVersion: string;
  configDigest: string;
  /** Digest of `spec.postRenderers`; compared with `observed` when both are given. */
  postRenderersDigest?: string;
  /** Digest of `spec.commonMetadata`; compared with `observed` when both are given. */
  commonMetadataDigest?: string;
}

/** The fields of a `status.history` entry the decision reads; status.history entries fit as they are. */
export type DecisionSnapshot = Pick<
  HelmReleaseSnapshot,
  'version' | 'status' | 'chartName' | 'chartVersion' | 'configDigest' | 'testHooks'
> & { digest?: string };

/** Everything the decision reads. Defaults are resolved by the caller (see `remediationPolicyOf`). */
export interface ReleaseDecisionInput {
  /** Latest release in storage; undefined when there is none. */
  release?: StoredRelease;
  desired: DesiredRelease;
  /** `status.history`, newest first. */
  history: readonly DecisionSnapshot[];
  /** `spec.test.enable`. */
  testEnabled: boolean;
  /** Whether the latest release was tested; read from `history[0].testHooks` when undefined. */
  lastTested?: boolean;
  /** `status.installFailures` and `status.upgradeFailures`. */
  failures: { install: number; upgrade: number };
  remediation: { install: RemediationPolicy; upgrade: RemediationPolicy };
  /** `status.lastAttemptedReleaseAction`: selects the active remediation; none when undefined. */
  lastAttemptedAction?: 'install' | 'upgrade';
  /** A `reconcile.fluxcd.io/forceAt` request is pending. */
  force: boolean;
  driftMode: 'disabled' | 'warn' | 'enabled';
  /** Result of the drift check (SSA dry-run) of the deployed release; only read when driftMode is not disabled. */
  driftDetected?: boolean;
  /** `status.observedPostRenderersDigest` and `status.observedCommonMetadataDigest`. */
  observed?: { postRenderersDigest?: string; commonMetadataDigest?: string };
}

/** helm-controller's release states; `state` of every decision names the one it acted on. */
export type ReleaseState =
  'Absent' | 'Locked' | 'Unmanaged' | 'OutOfSync' | 'Drifted' | 'Untested' | 'Failed' | 'InSync';

interface DecisionBase {
  state: ReleaseState;
  /** A Flux reason: Progressing for an action, DriftDetected, the Stalled reason, or ReconciliationSucceeded. */
  reason: string;
  /** One line for the Reconciling condition or the log. */
  message: string;
}

/**
 * The next step. `unlock` marks a stuck pending release failed; decide again afterwards.
 * `correctDrift` re-applies the stored manifest (Flux's CorrectClusterDrift), not a Helm upgrade.
 * An `upgrade` in state Unmanaged must clear `status.history` first, as Flux does.
 * `stall` is terminal until the spec changes, the counters are reset, or a force request arrives.
 */
export type ReleaseDecision =
  | (DecisionBase & { action: 'install' | 'upgrade' | 'unlock' | 'test' | 'uninstall' | 'correctDrift' | 'none' })
  | (DecisionBase & { action: 'rollback'; rollbackTo: number })
  | (DecisionBase & { action: 'stall'; reason: typeof Reason.RetriesExceeded | typeof Reason.MissingRollbackTarget });

const PENDING: ReadonlySet<HelmStorageStatus> = new Set([
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
  // Not pending to Helm, but an interrupted uninstall leaves the release just as stuck.
  'uninstalling',
]);

/**
 * Decides the next release action.
 *
 * @example decideReleaseAction({ ...input, release: undefined }) // { action: 'install', state: 'Absent', … }
 */
export function decideReleaseAction(input: ReleaseDecisionInput): ReleaseDecision {
  const { release, history } = input;
  if (!release || release.status === 'uninstalled') return decideAbsent(input);
  if (PENDING.has(release.status)) {
    return act('unlock', 'Locked', `release is locked with status '${release.status}'`);
  }
  // Without a matching snapshot the release was made or changed outside this object: take it over.
  const latest = history[0];
  if (!latest) return act('upgrade', 'Unmanaged', 'release in storage is not in status.history');
  if (latest.version !== release.revision || (latest.digest && release.digest && latest.digest !== release.digest)) {
    return act('upgrade', 'Unmanaged', `release revision ${release.revision} does not match status.history`);
  }
  if (release.status === 'failed') return decideFailed(input, `release revision ${release.revision} failed`);
  if (release.status !== 'deployed') {
    // superseded or unknown as the *latest* revision: storage was edited; an upgrade writes a fresh one.
    return act('upgrade', 'Unmanaged', `release has unexpected status '${release.status}'`);
  }
  const outOfSync = describeOutOfSync(input, release);
  if (outOfSync) return decideOutOfSync(input, outOfSync);
  if (input.testEnabled) {
    const tested = input.lastTested ?? latest.testHooks !== undefined;
    if (!tested) return act('test', 'Untested', 'release has not been tested');
    const active = activeRemediation(input);
    if (active && !active.policy.ignoreTestFailures && hasFailedTest(latest)) {
      return decideFailed(input, `release revision ${release.revision} has a failed test`);
    }
  }
  if (input.driftMode !== 'disabled' && input.driftDetected) {
    const message = 'cluster state has drifted from the release manifest';
    if (input.driftMode === 'enabled')
      return { action: 'correctDrift', state: 'Drifted', reason: Reason.DriftDetected, message };
    return { action: 'none', state: 'Drifted', reason: Reason.DriftDetected, message };
  }
  if (input.force) return act('upgrade', 'InSync', 'forced upgrade of an in-sync release');
  return { action: 'none', state: 'InSync', reason: Reason.ReconciliationSucceeded, message: 'release is in sync' };
}

function decideAbsent(input: ReleaseDecisionInput): ReleaseDecision {
  const what = input.release ? 'release is uninstalled' : 'release is not installed';
  if (exhausted(input.remediation.install, input.failures.install) && !input.force) {
    return stallRetries('Absent', `${what}, and install failed ${input.failures.install} time(s)`);
  }
  return act('install', 'Absent', input.force ? `${what}: forced install` : what);
}

function decideOutOfSync(input: ReleaseDecisionInput, why: string): ReleaseDecision {
  if (exhausted(input.remediation.upgrade, input.failures.upgrade) && !input.force) {
    return stallRetries('OutOfSync', `${why}, and upgrade failed ${input.failures.upgrade} time(s)`);
  }
  return act('upgrade', 'OutOfSync', why);
}

/** Remediation of a failed release or test, in helm-controller's order of checks. */
function decideFailed(input: ReleaseDecisionInput, why: string): ReleaseDecision {
  const active = activeRemediation(input);
  // No install or upgrade on record: nothing to remediate, only an upgrade can tell if it is fixed.
  if (!active) return act('upgrade', 'Failed', `${why}; no release action on record, upgrading`);
  // Counters reset when the inputs change, so zero means a new configuration deserves a fresh attempt.
  if (active.failures <= 0) return act('upgrade', 'Failed', `${why}; inputs changed since, upgrading`);
  if (input.force) return act('upgrade', 'Failed', `${why}; forced upgrade`);
  const { policy } = active;
  const retriesLeft = !exhausted(policy, active.failures);
  if (!retriesLeft && (!policy.remediateLastFailure || policy.onFailure === 'RetryOnFailure')) {
    return stallRetries('Failed', `${why}, and ${active.action} failed ${active.failures} time(s)`);
  }
  if (policy.onFailure === 'RetryOnFailure') return act('upgrade', 'Failed', `${why}; retrying ${active.action}`);
  if (policy.strategy === 'uninstall') return act('uninstall', 'Failed', `${why}; remediating by uninstall`);
  const target = rollbackTarget(input.history, policy.ignoreTestFailures);
  if (target === undefined) {
    return {
      action: 'stall',
      state: 'Failed',
      reason: Reason.MissingRollbackTarget,
      message: `${why}, and there is no previous successful release to roll back to`,
    };
  }
  return {
    action: 'rollback',
    state: 'Failed',
    reason: Reason.Progressing,
    message: `${why}; rolling back to revision ${target}`,
    rollbackTo: target,
  };
}

function describeOutOfSync(input: ReleaseDecisionInput, release: StoredRelease): string | undefined {
  const { desired, observed } = input;
  if (release.chartName !== desired.chartName || release.chartVersion !== desired.chartVersion) {
    return `chart changed from ${release.chartName}@${release.chartVersion} to ${desired.chartName}@${desired.chartVersion}`;
  }
  if (release.configDigest !== desired.configDigest) return 'values changed';
  if (differs(observed?.postRenderersDigest, desired.postRenderersDigest)) return 'post-renderers changed';
  if (differs(observed?.commonMetadataDigest, desired.commonMetadataDigest)) return 'common metadata changed';
  return undefined;
}

function differs(observed: string | undefined, desired: string | undefined): boolean {
  return observed !== undefined && desired !== undefined && observed !== desired;
}

function activeRemediation(
  input: ReleaseDecisionInput
): { action: 'install' | 'upgrade'; policy: RemediationPolicy; failures: number } | undefined {
  const action = input.lastAttemptedAction;
  if (!action) return undefined;
  return { action, policy: input.remediation[action], failures: input.failures[action] };
}

/** Flux's rule: a negative retry count never runs out; otherwise failures beyond `retries` do. */
function exhausted(policy: RemediationPolicy, failures: number): boolean {
  return policy.retries >= 0 && failures > policy.retries;
}

function hasFailedTest(snapshot: DecisionSnapshot): boolean {
  return Object.values(snapshot.testHooks ?? {}).some((hook) => hook.phase === 'Failed');
}

/** The newest older snapshot that was a success: deployed or superseded, and with passing tests unless ignored. */
function rollbackTarget(history: readonly DecisionSnapshot[], ignoreTestFailures: boolean): number | undefined {
  const target = history
    .slice(1)
    .find((s) => (s.status === 'deployed' || s.status === 'superseded') && (ignoreTestFailures || !hasFailedTest(s)));
  return target?.version;
}

function act(
  action: 'install' | 'upgrade' | 'unlock' | 'test' | 'uninstall',
  state: ReleaseState,
  message: string
): ReleaseDecision {
  return { action, state, reason: Reason.Progressing, message };
}

function stallRetries(state: ReleaseState, message: string): ReleaseDecision {
  return { action: 'stall', state, reason: Reason.RetriesExceeded, message };
}

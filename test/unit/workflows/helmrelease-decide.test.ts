import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemediationPolicy } from '../../../api/helmrelease-actions.js';
import {
  decideReleaseAction,
  type DecisionSnapshot,
  type ReleaseDecision,
  type ReleaseDecisionInput,
  type StoredRelease,
} from '../../../workflows/helmrelease-decide.js';

const installPolicy: RemediationPolicy = {
  retries: 0,
  remediateLastFailure: false,
  strategy: 'uninstall',
  ignoreTestFailures: false,
  onFailure: 'RemediateOnFailure',
};
const upgradePolicy: RemediationPolicy = { ...installPolicy, strategy: 'rollback' };

const desired = { chartName: 'podinfo', chartVersion: '6.5.4', configDigest: 'sha256:v2' };

function snapshot(version: number, status: string, extra: Partial<DecisionSnapshot> = {}): DecisionSnapshot {
  return { version, status, chartName: 'podinfo', chartVersion: '6.5.4', configDigest: 'sha256:v2', ...extra };
}

function release(revision: number, status: StoredRelease['status'], extra: Partial<StoredRelease> = {}): StoredRelease {
  return { revision, status, ...desired, ...extra };
}

/** A deployed, in-sync revision 3 whose predecessor (2) succeeded: the base every row edits. */
function input(patch: Partial<ReleaseDecisionInput> = {}): ReleaseDecisionInput {
  return {
    release: release(3, 'deployed'),
    desired,
    history: [snapshot(3, 'deployed'), snapshot(2, 'superseded', { chartVersion: '6.5.3' })],
    testEnabled: false,
    failures: { install: 0, upgrade: 0 },
    remediation: { install: installPolicy, upgrade: upgradePolicy },
    force: false,
    driftMode: 'disabled',
    ...patch,
  };
}

type Expected = Partial<ReleaseDecision> & Pick<ReleaseDecision, 'action' | 'state'>;

function check(name: string, given: ReleaseDecisionInput, expected: Expected): void {
  it(name, () => {
    const decision = decideReleaseAction(given);
    const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, decision[k as keyof ReleaseDecision]]));
    assert.deepEqual(picked, expected, decision.message);
    assert.ok(decision.message.length > 0);
  });
}

const failedUpgrade = (patch: Partial<ReleaseDecisionInput> = {}): ReleaseDecisionInput =>
  input({
    release: release(3, 'failed', { chartVersion: '6.5.4' }),
    history: [snapshot(3, 'failed'), snapshot(2, 'deployed', { chartVersion: '6.5.3' })],
    lastAttemptedAction: 'upgrade',
    failures: { install: 0, upgrade: 1 },
    ...patch,
  });

describe('decideReleaseAction: one row per release state (flux-api.md §3)', () => {
  const rows: [string, ReleaseDecisionInput, Expected][] = [
    [
      'Absent: no release in storage → install',
      input({ release: undefined, history: [] }),
      { action: 'install', state: 'Absent', reason: 'Progressing' },
    ],
    [
      'Absent: an uninstalled release → install',
      input({ release: release(3, 'uninstalled') }),
      { action: 'install', state: 'Absent' },
    ],
    [
      'Locked: pending-install → unlock',
      input({ release: release(1, 'pending-install') }),
      { action: 'unlock', state: 'Locked' },
    ],
    [
      'Locked: pending-upgrade → unlock',
      input({ release: release(4, 'pending-upgrade') }),
      { action: 'unlock', state: 'Locked' },
    ],
    [
      'Locked: pending-rollback → unlock',
      input({ release: release(4, 'pending-rollback') }),
      { action: 'unlock', state: 'Locked' },
    ],
    [
      'Locked: an interrupted uninstall → unlock',
      input({ release: release(3, 'uninstalling') }),
      { action: 'unlock', state: 'Locked' },
    ],
    ['Unmanaged: empty history → upgrade', input({ history: [] }), { action: 'upgrade', state: 'Unmanaged' }],
    [
      'Unmanaged: revision unknown to history → upgrade',
      input({ release: release(5, 'deployed') }),
      { action: 'upgrade', state: 'Unmanaged' },
    ],
    [
      'Unmanaged: release digest differs from the snapshot → upgrade',
      input({
        release: release(3, 'deployed', { digest: 'sha256:x' }),
        history: [snapshot(3, 'deployed', { digest: 'sha256:y' })],
      }),
      { action: 'upgrade', state: 'Unmanaged' },
    ],
    [
      'Unmanaged: latest revision superseded → upgrade',
      input({ release: release(3, 'superseded') }),
      { action: 'upgrade', state: 'Unmanaged' },
    ],
    [
      'OutOfSync: chart version changed → upgrade',
      input({ desired: { ...desired, chartVersion: '6.6.0' } }),
      { action: 'upgrade', state: 'OutOfSync' },
    ],
    [
      'OutOfSync: chart name changed → upgrade',
      input({ desired: { ...desired, chartName: 'podinfo2' } }),
      { action: 'upgrade', state: 'OutOfSync' },
    ],
    [
      'OutOfSync: values digest changed → upgrade',
      input({ desired: { ...desired, configDigest: 'sha256:v3' } }),
      { action: 'upgrade', state: 'OutOfSync' },
    ],
    [
      'OutOfSync: post-renderers digest changed → upgrade',
      input({
        desired: { ...desired, postRenderersDigest: 'sha256:b' },
        observed: { postRenderersDigest: 'sha256:a' },
      }),
      { action: 'upgrade', state: 'OutOfSync' },
    ],
    [
      'OutOfSync: common metadata digest changed → upgrade',
      input({
        desired: { ...desired, commonMetadataDigest: 'sha256:b' },
        observed: { commonMetadataDigest: 'sha256:a' },
      }),
      { action: 'upgrade', state: 'OutOfSync' },
    ],
    [
      'Drifted, mode warn → none, reason DriftDetected',
      input({ driftMode: 'warn', driftDetected: true }),
      { action: 'none', state: 'Drifted', reason: 'DriftDetected' },
    ],
    [
      'Drifted, mode enabled → correctDrift',
      input({ driftMode: 'enabled', driftDetected: true }),
      { action: 'correctDrift', state: 'Drifted', reason: 'DriftDetected' },
    ],
    [
      'Drift detected but mode disabled → InSync',
      input({ driftMode: 'disabled', driftDetected: true }),
      { action: 'none', state: 'InSync' },
    ],
    [
      'Untested: tests enabled and no test hooks recorded → test',
      input({ testEnabled: true }),
      { action: 'test', state: 'Untested' },
    ],
    [
      'Untested: lastTested false overrides the snapshot → test',
      input({ testEnabled: true, lastTested: false, history: [snapshot(3, 'deployed', { testHooks: {} })] }),
      { action: 'test', state: 'Untested' },
    ],
    [
      'Failed: failed upgrade with a previous success → rollback to it',
      failedUpgrade({ remediation: { install: installPolicy, upgrade: { ...upgradePolicy, retries: 3 } } }),
      { action: 'rollback', state: 'Failed', rollbackTo: 2 },
    ],
    [
      'Failed: upgrade remediation strategy uninstall → uninstall',
      failedUpgrade({
        remediation: { install: installPolicy, upgrade: { ...upgradePolicy, retries: 3, strategy: 'uninstall' } },
      }),
      { action: 'uninstall', state: 'Failed' },
    ],
    [
      'Failed: failed install → uninstall (install remediation)',
      input({
        release: release(1, 'failed'),
        history: [snapshot(1, 'failed')],
        lastAttemptedAction: 'install',
        failures: { install: 1, upgrade: 0 },
        remediation: { install: { ...installPolicy, retries: 2 }, upgrade: upgradePolicy },
      }),
      { action: 'uninstall', state: 'Failed' },
    ],
    ['InSync → none', input(), { action: 'none', state: 'InSync', reason: 'ReconciliationSucceeded' }],
    [
      'InSync with passing tests → none',
      input({ testEnabled: true, history: [snapshot(3, 'deployed', { testHooks: { t: { phase: 'Succeeded' } } })] }),
      { action: 'none', state: 'InSync' },
    ],
  ];
  for (const [name, given, expected] of rows) check(name, given, expected);
});

describe('decideReleaseAction: retries and remediation edge cases', () => {
  const rows: [string, ReleaseDecisionInput, Expected][] = [
    [
      'install retries exhausted → stall RetriesExceeded',
      input({ release: undefined, history: [], failures: { install: 1, upgrade: 0 } }),
      { action: 'stall', state: 'Absent', reason: 'RetriesExceeded' },
    ],
    [
      'install retries exhausted but forced → install',
      input({ release: undefined, history: [], failures: { install: 1, upgrade: 0 }, force: true }),
      { action: 'install', state: 'Absent' },
    ],
    [
      'install retries left (failures == retries) → install',
      input({
        release: undefined,
        failures: { install: 2, upgrade: 0 },
        remediation: { install: { ...installPolicy, retries: 2 }, upgrade: upgradePolicy },
      }),
      { action: 'install', state: 'Absent' },
    ],
    [
      'negative retries never run out',
      input({
        release: undefined,
        failures: { install: 99, upgrade: 0 },
        remediation: { install: { ...installPolicy, retries: -1 }, upgrade: upgradePolicy },
      }),
      { action: 'install', state: 'Absent' },
    ],
    [
      'upgrade retries exhausted while out of sync → stall RetriesExceeded',
      input({ desired: { ...desired, chartVersion: '7.0.0' }, failures: { install: 0, upgrade: 1 } }),
      { action: 'stall', state: 'OutOfSync', reason: 'RetriesExceeded' },
    ],
    [
      'upgrade retries exhausted but forced → upgrade',
      input({ desired: { ...desired, chartVersion: '7.0.0' }, failures: { install: 0, upgrade: 1 }, force: true }),
      { action: 'upgrade', state: 'OutOfSync' },
    ],
    [
      'failed, retries exhausted, no remediateLastFailure → stall RetriesExceeded',
      failedUpgrade(),
      { action: 'stall', state: 'Failed', reason: 'RetriesExceeded' },
    ],
    [
      'failed, retries exhausted, remediateLastFailure → rollback anyway',
      failedUpgrade({
        remediation: { install: installPolicy, upgrade: { ...upgradePolicy, remediateLastFailure: true } },
      }),
      { action: 'rollback', state: 'Failed', rollbackTo: 2 },
    ],
    [
      'failed and forced → upgrade, even out of retries',
      failedUpgrade({ force: true }),
      { action: 'upgrade', state: 'Failed' },
    ],
    [
      'failed with the counter reset (inputs changed) → upgrade',
      failedUpgrade({ failures: { install: 0, upgrade: 0 } }),
      { action: 'upgrade', state: 'Failed' },
    ],
    [
      'failed with no release action on record → upgrade',
      failedUpgrade({ lastAttemptedAction: undefined }),
      { action: 'upgrade', state: 'Failed' },
    ],
    [
      'failed with nothing successful to roll back to → stall MissingRollbackTarget',
      failedUpgrade({
        history: [snapshot(3, 'failed'), snapshot(2, 'failed')],
        remediation: { install: installPolicy, upgrade: { ...upgradePolicy, retries: 3 } },
      }),
      { action: 'stall', state: 'Failed', reason: 'MissingRollbackTarget' },
    ],
    [
      'rollback skips a previous release whose tests failed',
      failedUpgrade({
        history: [
          snapshot(4, 'failed'),
          snapshot(3, 'superseded', { testHooks: { t: { phase: 'Failed' } } }),
          snapshot(2, 'superseded', { testHooks: { t: { phase: 'Succeeded' } } }),
        ],
        release: release(4, 'failed'),
        remediation: { install: installPolicy, upgrade: { ...upgradePolicy, retries: 3 } },
      }),
      { action: 'rollback', rollbackTo: 2, state: 'Failed' },
    ],
    [
      'RetryOnFailure retries the upgrade instead of remediating',
      failedUpgrade({
        remediation: { install: installPolicy, upgrade: { ...upgradePolicy, retries: 3, onFailure: 'RetryOnFailure' } },
      }),
      { action: 'upgrade', state: 'Failed' },
    ],
    [
      'RetryOnFailure out of retries → stall, remediateLastFailure notwithstanding',
      failedUpgrade({
        failures: { install: 0, upgrade: 4 },
        remediation: {
          install: installPolicy,
          upgrade: { ...upgradePolicy, retries: 3, remediateLastFailure: true, onFailure: 'RetryOnFailure' },
        },
      }),
      { action: 'stall', reason: 'RetriesExceeded', state: 'Failed' },
    ],
    [
      'a failed test counts as a failed release → rollback',
      input({
        testEnabled: true,
        lastAttemptedAction: 'upgrade',
        failures: { install: 0, upgrade: 1 },
        remediation: { install: installPolicy, upgrade: { ...upgradePolicy, retries: 3 } },
        history: [snapshot(3, 'deployed', { testHooks: { t: { phase: 'Failed' } } }), snapshot(2, 'superseded')],
      }),
      { action: 'rollback', state: 'Failed', rollbackTo: 2 },
    ],
    [
      'ignoreTestFailures lets a failed test pass → none',
      input({
        testEnabled: true,
        lastAttemptedAction: 'upgrade',
        failures: { install: 0, upgrade: 1 },
        remediation: { install: installPolicy, upgrade: { ...upgradePolicy, ignoreTestFailures: true } },
        history: [snapshot(3, 'deployed', { testHooks: { t: { phase: 'Failed' } } }), snapshot(2, 'superseded')],
      }),
      { action: 'none', state: 'InSync' },
    ],
    [
      'a failed test is ignored when tests are disabled',
      input({
        lastAttemptedAction: 'upgrade',
        history: [snapshot(3, 'deployed', { testHooks: { t: { phase: 'Failed' } } })],
      }),
      { action: 'none', state: 'InSync' },
    ],
    ['InSync and forced → upgrade', input({ force: true }), { action: 'upgrade', state: 'InSync' }],
    [
      'a failed release with a new chart is still Failed first (counters reset → upgrade)',
      failedUpgrade({ desired: { ...desired, chartVersion: '7.0.0' }, failures: { install: 0, upgrade: 0 } }),
      { action: 'upgrade', state: 'Failed' },
    ],
    [
      'digests are compared only when both sides are known',
      input({ desired: { ...desired, postRenderersDigest: 'sha256:b' } }),
      { action: 'none', state: 'InSync' },
    ],
  ];
  for (const [name, given, expected] of rows) check(name, given, expected);

  it('is deterministic and leaves its input untouched', () => {
    const given = failedUpgrade({ remediation: { install: installPolicy, upgrade: { ...upgradePolicy, retries: 3 } } });
    const copy = structuredClone(given);
    assert.deepEqual(decideReleaseAction(given), decideReleaseAction(given));
    assert.deepEqual(given, copy);
  });
});

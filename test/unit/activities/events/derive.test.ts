import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  eventsForTransition,
  reportingControllerFor,
  type ConditionView,
  type StatusTransition,
  type StatusView,
} from '../../../../activities/events/derive.js';

const KS = { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' } as const;
const HR = { group: 'helm.toolkit.fluxcd.io', kind: 'HelmRelease' } as const;
const GIT = { group: 'source.toolkit.fluxcd.io', kind: 'GitRepository' } as const;

const c = (type: string, status: string, reason: string, message = `${reason} message`): ConditionView => ({
  type,
  status,
  reason,
  message,
});

function transition(
  kind: { group: string; kind: string },
  before: StatusView,
  after: StatusView,
  written: string[] = ['Ready']
): StatusTransition {
  return {
    object: { ...kind, apiVersion: `${kind.group}/v1`, namespace: 'apps', name: 'web', uid: 'u-1' },
    before,
    after,
    written,
    timestamp: '2026-01-02T03:04:05.000Z',
    reportingInstance: 'worker-0',
  };
}

/** `reason/severity` of each derived event, the table's compact form. */
const summary = (t: StatusTransition): string[] => eventsForTransition(t).map((e) => `${e.reason}/${e.severity}`);

const ready = (status: string, reason: string, message?: string): StatusView => ({
  conditions: [c('Ready', status, reason, message)],
});

describe('eventsForTransition', () => {
  const table: { name: string; t: StatusTransition; want: string[] }[] = [
    {
      name: 'first success of a Kustomization',
      t: transition(KS, {}, { ...ready('True', 'ReconciliationSucceeded'), lastAppliedRevision: 'main@sha1:a' }),
      want: ['ReconciliationSucceeded/info'],
    },
    {
      name: 'a repeated success with nothing changed stays quiet',
      t: transition(
        KS,
        {
          ...ready('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:a'),
          lastAppliedRevision: 'main@sha1:a',
        },
        {
          ...ready('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:a'),
          lastAppliedRevision: 'main@sha1:a',
        }
      ),
      want: [],
    },
    {
      name: 'a new applied revision is reported',
      t: transition(
        KS,
        {
          ...ready('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:a'),
          lastAppliedRevision: 'main@sha1:a',
        },
        {
          ...ready('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:b'),
          lastAppliedRevision: 'main@sha1:b',
        }
      ),
      want: ['ReconciliationSucceeded/info'],
    },
    {
      name: 'recovery after a failure is reported',
      t: transition(
        KS,
        { ...ready('False', 'BuildFailed'), lastAppliedRevision: 'main@sha1:a' },
        { ...ready('True', 'ReconciliationSucceeded'), lastAppliedRevision: 'main@sha1:a' }
      ),
      want: ['ReconciliationSucceeded/info'],
    },
    {
      name: 'a Kustomization pass through Progressing with nothing changed stays quiet',
      t: transition(
        KS,
        {
          ...ready('Unknown', 'Progressing'),
          lastAppliedRevision: 'main@sha1:a',
          lastAttemptedRevision: 'main@sha1:a',
        },
        { ...ready('True', 'ReconciliationSucceeded'), lastAppliedRevision: 'main@sha1:a' }
      ),
      want: [],
    },
    {
      name: 'health recovering on the same revision is reported',
      t: transition(
        KS,
        {
          conditions: [c('Ready', 'Unknown', 'Progressing'), c('Healthy', 'False', 'HealthCheckFailed')],
          lastAppliedRevision: 'main@sha1:a',
        },
        {
          conditions: [c('Ready', 'True', 'ReconciliationSucceeded'), c('Healthy', 'True', 'Succeeded')],
          lastAppliedRevision: 'main@sha1:a',
        },
        ['Ready', 'Healthy']
      ),
      want: ['ReconciliationSucceeded/info'],
    },
    {
      name: 'a failure is reported every time, as an error',
      t: transition(KS, ready('False', 'BuildFailed'), ready('False', 'BuildFailed')),
      want: ['BuildFailed/error'],
    },
    {
      name: 'a dependency that is not ready is informational',
      t: transition(KS, {}, ready('False', 'DependencyNotReady')),
      want: ['DependencyNotReady/info'],
    },
    {
      name: 'starting on a new revision reports Progressing',
      t: transition(
        KS,
        { ...ready('True', 'ReconciliationSucceeded'), lastAttemptedRevision: 'main@sha1:a' },
        {
          conditions: [c('Ready', 'Unknown', 'Progressing'), c('Reconciling', 'True', 'Progressing')],
          lastAttemptedRevision: 'main@sha1:b',
        },
        ['Ready', 'Reconciling']
      ),
      want: ['Progressing/info'],
    },
    {
      name: 'starting again on the same revision stays quiet',
      t: transition(
        KS,
        { ...ready('False', 'HealthCheckFailed'), lastAttemptedRevision: 'main@sha1:b' },
        { ...ready('Unknown', 'Progressing'), lastAttemptedRevision: 'main@sha1:b' }
      ),
      want: [],
    },
    {
      name: 'a rollback reports the failed health check and the rollback',
      t: transition(
        KS,
        {
          ...ready('Unknown', 'Progressing'),
          lastAttemptedRevision: 'main@sha1:bad',
          lastAppliedRevision: 'main@sha1:good',
        },
        {
          conditions: [c('Ready', 'False', 'RolledBack'), c('Healthy', 'False', 'HealthCheckFailed')],
          lastAttemptedRevision: 'main@sha1:bad',
          lastAppliedRevision: 'main@sha1:good',
        },
        ['Ready', 'Healthy']
      ),
      want: ['HealthCheckFailed/error', 'RollbackSucceeded/info'],
    },
    {
      name: 'a Helm upgrade reports its action once, not again through Ready',
      t: transition(
        HR,
        ready('True', 'InstallSucceeded'),
        { conditions: [c('Ready', 'True', 'UpgradeSucceeded'), c('Released', 'True', 'UpgradeSucceeded')] },
        ['Ready', 'Released']
      ),
      want: ['UpgradeSucceeded/info'],
    },
    {
      name: 'a failed upgrade remediated by rollback reports both actions',
      t: transition(
        HR,
        ready('True', 'InstallSucceeded'),
        {
          conditions: [
            c('Ready', 'False', 'UpgradeFailed'),
            c('Released', 'False', 'UpgradeFailed'),
            c('Remediated', 'True', 'RollbackSucceeded'),
          ],
        },
        ['Ready', 'Released', 'Remediated']
      ),
      want: ['UpgradeFailed/error', 'RollbackSucceeded/info'],
    },
    {
      name: 'a Helm test that ran again is reported again',
      t: transition(
        HR,
        { conditions: [c('Ready', 'True', 'TestSucceeded'), c('TestSuccess', 'True', 'TestSucceeded')] },
        { conditions: [c('Ready', 'True', 'TestSucceeded'), c('TestSuccess', 'True', 'TestSucceeded')] },
        ['Ready', 'TestSuccess']
      ),
      want: ['TestSucceeded/info'],
    },
    {
      name: 'an action condition the write did not set is not an event',
      t: transition(
        HR,
        { conditions: [c('Ready', 'True', 'ReconciliationSucceeded'), c('Released', 'True', 'UpgradeSucceeded')] },
        { conditions: [c('Ready', 'True', 'ReconciliationSucceeded'), c('Released', 'True', 'UpgradeSucceeded')] }
      ),
      want: [],
    },
    {
      name: 'drift detected is a warning, reported when it changes',
      t: transition(
        HR,
        { conditions: [c('Ready', 'True', 'ReconciliationSucceeded'), c('Drifted', 'False', 'NoDriftDetected')] },
        { conditions: [c('Ready', 'True', 'ReconciliationSucceeded'), c('Drifted', 'True', 'DriftDetected')] },
        ['Ready', 'Drifted']
      ),
      want: ['DriftDetected/error'],
    },
    {
      name: 'a source storing a new revision reports NewArtifact',
      t: transition(
        GIT,
        { ...ready('True', 'Succeeded', "stored artifact for revision 'a'"), artifact: { revision: 'main@sha1:a' } },
        { ...ready('True', 'Succeeded', "stored artifact for revision 'b'"), artifact: { revision: 'main@sha1:b' } }
      ),
      want: ['NewArtifact/info'],
    },
    {
      name: 'a source failing to fetch reports its reason',
      t: transition(GIT, {}, ready('False', 'GitOperationFailed')),
      want: ['GitOperationFailed/error'],
    },
    { name: 'no Ready condition, no event', t: transition(KS, {}, {}), want: [] },
  ];
  for (const { name, t, want } of table) it(name, () => assert.deepEqual(summary(t), want));

  it('fills in the object, the revision annotation of the API group and the Flux controller name', () => {
    const [event] = eventsForTransition(
      transition(
        KS,
        {},
        {
          ...ready('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:a'),
          lastAppliedRevision: 'main@sha1:a',
        }
      )
    );
    assert.deepEqual(event, {
      involvedObject: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        namespace: 'apps',
        name: 'web',
        uid: 'u-1',
      },
      severity: 'info',
      timestamp: '2026-01-02T03:04:05.000Z',
      message: 'Applied revision: main@sha1:a',
      reason: 'ReconciliationSucceeded',
      metadata: {
        'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:a',
        'kustomize.toolkit.fluxcd.io/commit_status': 'update',
      },
      reportingController: 'kustomize-controller',
      reportingInstance: 'worker-0',
    });
  });

  it('names the attempted revision on a failure and each revision of a rollback', () => {
    const failed = eventsForTransition(
      transition(
        KS,
        {},
        { ...ready('False', 'BuildFailed'), lastAttemptedRevision: 'main@sha1:b', lastAppliedRevision: 'main@sha1:a' }
      )
    );
    assert.equal(failed[0]?.metadata['kustomize.toolkit.fluxcd.io/revision'], 'main@sha1:b');
    const rolled = eventsForTransition(
      transition(
        KS,
        {},
        {
          conditions: [c('Ready', 'False', 'RolledBack'), c('Healthy', 'False', 'HealthCheckFailed', 'web not ready')],
          lastAttemptedRevision: 'main@sha1:bad',
          lastAppliedRevision: 'main@sha1:good',
        }
      )
    );
    assert.deepEqual(
      rolled.map((e) => [e.reason, e.metadata['kustomize.toolkit.fluxcd.io/revision'], e.message]),
      [
        ['HealthCheckFailed', 'main@sha1:bad', 'web not ready'],
        ['RollbackSucceeded', 'main@sha1:good', 'RolledBack message'],
      ]
    );
  });

  it('gives HelmRelease events the chart version as revision and the values digest as token', () => {
    const [event] = eventsForTransition(
      transition(
        HR,
        {},
        {
          conditions: [c('Ready', 'True', 'InstallSucceeded'), c('Released', 'True', 'InstallSucceeded')],
          lastAttemptedRevision: '1.2.3',
          lastAttemptedConfigDigest: 'sha256:abc',
        },
        ['Ready', 'Released']
      )
    );
    assert.deepEqual(event?.metadata, {
      'helm.toolkit.fluxcd.io/revision': '1.2.3',
      'helm.toolkit.fluxcd.io/token': 'sha256:abc',
    });
    assert.equal(event?.reportingController, 'helm-controller');
  });

  it('maps API groups to the Flux controller that owns them', () => {
    assert.equal(reportingControllerFor('source.toolkit.fluxcd.io'), 'source-controller');
    assert.equal(reportingControllerFor('notification.toolkit.fluxcd.io'), 'notification-controller');
    assert.equal(reportingControllerFor('example.com'), 'ballast');
  });
});

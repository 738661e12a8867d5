import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertSchema, type Alert } from '../../../../api/alert.js';
import type { FluxEvent } from '../../../../api/events.js';
import { alertMatches, needsLabels, notificationRequest } from '../../../../activities/notify/matcher.js';
import { skipReason } from '../../../../activities/notify/gating.js';
import { event } from './fixtures.js';

const alert = (spec: Record<string, unknown>, namespace = 'apps'): Alert =>
  AlertSchema.parse({
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Alert',
    metadata: { name: 'on-call', namespace },
    spec: { providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }], ...spec },
  });

describe('alertMatches (Flux event_handlers.go)', () => {
  const ks = event();
  const failed = event({ severity: 'error', message: 'Health check failed after 5m', reason: 'HealthCheckFailed' });
  const cases: [string, Alert, FluxEvent, boolean][] = [
    ['name * in the Alert namespace', alert({}), ks, true],
    ['exact name', alert({ eventSources: [{ kind: 'Kustomization', name: 'podinfo' }] }), ks, true],
    ['other name', alert({ eventSources: [{ kind: 'Kustomization', name: 'other' }] }), ks, false],
    ['other kind', alert({ eventSources: [{ kind: 'HelmRelease', name: '*' }] }), ks, false],
    ['namespace defaults to the Alert one', alert({}, 'flux-system'), ks, false],
    [
      'explicit other namespace',
      alert({ eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'apps' }] }, 'flux-system'),
      ks,
      true,
    ],
    [
      'any matching source suffices',
      alert({
        eventSources: [
          { kind: 'HelmRelease', name: '*' },
          { kind: 'Kustomization', name: 'podinfo' },
        ],
      }),
      ks,
      true,
    ],
    ['severity error drops info', alert({ eventSeverity: 'error' }), ks, false],
    ['severity error passes errors', alert({ eventSeverity: 'error' }), failed, true],
    ['severity info passes errors', alert({ eventSeverity: 'info' }), failed, true],
    ['suspended', alert({ suspend: true }), ks, false],
    ['inclusion matches', alert({ inclusionList: ['^Applied'] }), ks, true],
    ['inclusion does not match', alert({ inclusionList: ['^Health'] }), ks, false],
    ['exclusion wins over inclusion', alert({ inclusionList: ['revision'], exclusionList: ['main@'] }), ks, false],
    ['Go case-insensitive flag', alert({ inclusionList: ['(?i)^health CHECK'] }), failed, true],
    ['unanchored like Go Match', alert({ exclusionList: ['after 5m'] }), failed, false],
  ];
  for (const [name, a, e, want] of cases) it(name, () => assert.equal(alertMatches(a, e), want));

  it('matchLabels: needs the labels, matches only when every label is equal', () => {
    const a = alert({ eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'web' } }] });
    assert.equal(needsLabels(a, ks), true);
    assert.equal(needsLabels(alert({}), ks), false);
    assert.equal(alertMatches(a, ks, { team: 'web', tier: 'x' }), true);
    assert.equal(alertMatches(a, ks, { team: 'db' }), false);
    assert.equal(alertMatches(a, ks, undefined), false, 'unreadable object: no match');
  });

  it('rejects an Alert whose regular expression does not compile, naming the field', () => {
    const parsed = AlertSchema.safeParse({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'a', namespace: 'apps' },
      spec: {
        providerRef: { name: 'p' },
        eventSources: [{ kind: 'Kustomization', name: '*' }],
        exclusionList: ['(unclosed'],
      },
    });
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error?.issues[0]?.path, ['spec', 'exclusionList', 0]);
    assert.match(parsed.error?.issues[0]?.message ?? '', /not a valid regular expression: \(unclosed/);
  });
});

describe('notificationRequest (metadata as Flux merges it)', () => {
  it('drops the token and group prefixes; precedence annotations < eventMetadata < summary < controller', () => {
    const e = event({
      metadata: {
        'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:abc',
        'kustomize.toolkit.fluxcd.io/token': 'digest-token',
        'kustomize.toolkit.fluxcd.io/env': 'from-controller',
        'event.toolkit.fluxcd.io/team': 'from-annotation',
        'event.toolkit.fluxcd.io/cluster': 'from-annotation',
        unrelated: 'dropped',
      },
    });
    const req = notificationRequest(
      e,
      alert({ eventMetadata: { cluster: 'prod', env: 'from-alert', summary: 'x' }, summary: 'deprecated summary' })
    );
    assert.deepEqual(req.event.metadata, {
      revision: 'main@sha1:abc',
      env: 'from-controller',
      team: 'from-annotation',
      cluster: 'prod',
      summary: 'deprecated summary',
    });
    assert.deepEqual(req.alert, { namespace: 'apps', name: 'on-call' });
    assert.equal(req.commitStatusUpdate, false);
    assert.equal(req.hasCommitKey, false);
  });

  it('keeps the original metadata (less the token) when nothing has a known prefix', () => {
    const req = notificationRequest(
      event({ metadata: { other: 'x', 'kustomize.toolkit.fluxcd.io/token': 't' } }),
      alert({})
    );
    assert.deepEqual(req.event.metadata, { other: 'x' });
  });

  it('flags commit status updates and commit keys for Provider gating', () => {
    const req = notificationRequest(
      event({
        metadata: { 'kustomize.toolkit.fluxcd.io/commit_status': 'update', 'event.toolkit.fluxcd.io/commit': 'abc' },
      }),
      alert({})
    );
    assert.equal(req.commitStatusUpdate, true);
    assert.equal(req.hasCommitKey, true);
  });
});

describe('skipReason (Provider gating)', () => {
  const base = { event: event(), commitStatusUpdate: false, hasCommitKey: false };
  const error = { ...base, event: event({ severity: 'error' }) };
  const update = { ...base, commitStatusUpdate: true };
  const cases: [string, { type: string; suspend?: boolean }, typeof base, boolean][] = [
    ['suspended Provider', { type: 'generic', suspend: true }, base, true],
    ['generic takes everything', { type: 'generic' }, update, false],
    ['slack leaves commit status updates to git providers', { type: 'slack' }, update, true],
    ['slack takes ordinary events', { type: 'slack' }, base, false],
    ['github takes commit status updates', { type: 'github' }, update, false],
    ['github takes errors', { type: 'gitlab' }, error, false],
    ['github drops plain info events', { type: 'github' }, base, true],
    ['github takes events naming a commit', { type: 'gitea' }, { ...base, hasCommitKey: true }, false],
  ];
  for (const [name, provider, req, skipped] of cases) {
    it(name, () => assert.equal(skipReason(provider, req) !== undefined, skipped));
  }
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { webhookPathFor } from '../../../../../api/receiver.js';
import {
  assessReceiver,
  receiverStatus,
  type ReceiverCheck,
  type StoredReceiver,
} from '../../../../../workers/controller/receivers.js';

const NOW = new Date('2026-01-02T03:04:05Z');
const EARLIER = '2025-12-31T00:00:00Z';

const receiver = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1',
  kind: 'Receiver',
  metadata: { name: 'r', namespace: 'ns', generation: 3 },
  spec: { type: 'github', secretRef: { name: 'tok' }, resources: [{ kind: 'GitRepository', name: 'repo' }], ...spec },
  ...extra,
});

const cond = (status: Record<string, unknown>, type: string): Record<string, unknown> | undefined =>
  (status.conditions as Record<string, unknown>[]).find((c) => c.type === type);

describe('webhookPathFor', () => {
  it("is Flux's /hook/ + sha256(token + name + namespace)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (token, name, namespace) => {
        const expected = createHash('sha256')
          .update(token + name + namespace, 'utf8')
          .digest('hex');
        assert.equal(webhookPathFor(token, name, namespace), `/hook/${expected}`);
      })
    );
  });
});

describe('receiverStatus', () => {
  const stored: StoredReceiver = {
    metadata: { generation: 3, annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-1' } },
    status: {
      observedGeneration: 2,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'old', lastTransitionTime: EARLIER },
        { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'x', lastTransitionTime: EARLIER },
      ],
    },
  };

  const table: { name: string; check: ReceiverCheck; expect: (s: Record<string, unknown>) => void }[] = [
    {
      name: 'ready: path, Ready=True Succeeded, observedGeneration, no Reconciling',
      check: { kind: 'ready', webhookPath: '/hook/abc' },
      expect: (s) => {
        assert.equal(s.webhookPath, '/hook/abc');
        assert.equal(s.observedGeneration, 3);
        assert.deepEqual(
          { ...cond(s, 'Ready'), lastTransitionTime: undefined },
          {
            type: 'Ready',
            status: 'True',
            reason: 'Succeeded',
            message: 'Receiver initialized for path: /hook/abc',
            observedGeneration: 3,
            lastTransitionTime: undefined,
          }
        );
        assert.equal(cond(s, 'Ready')?.lastTransitionTime, EARLIER, 'status unchanged: transition time kept');
        assert.equal(cond(s, 'Reconciling'), undefined);
      },
    },
    {
      name: 'no token: path removed, Ready=False TokenNotFound, Reconciling=True ProgressingWithRetry',
      check: { kind: 'no-token', message: "secret 'ns/tok' not found" },
      expect: (s) => {
        assert.equal(s.webhookPath, null);
        assert.equal(s.observedGeneration, 2, 'not observed until it works');
        assert.equal(cond(s, 'Ready')?.reason, 'TokenNotFound');
        assert.equal(cond(s, 'Ready')?.lastTransitionTime, NOW.toISOString().replace('.000', ''));
        assert.equal(cond(s, 'Reconciling')?.reason, 'ProgressingWithRetry');
      },
    },
    {
      name: 'invalid: Ready=False and Stalled=True ValidationFailed, observed',
      check: { kind: 'invalid', message: 'type gcr is not supported by Ballast' },
      expect: (s) => {
        assert.equal(cond(s, 'Ready')?.reason, 'ValidationFailed');
        assert.match(String(cond(s, 'Ready')?.message), /configuration error: type gcr is not supported/);
        assert.equal(cond(s, 'Stalled')?.status, 'True');
        assert.equal(cond(s, 'Reconciling'), undefined);
        assert.equal(s.observedGeneration, 3);
      },
    },
    {
      name: 'suspended: conditions untouched',
      check: { kind: 'suspended' },
      expect: (s) => assert.deepEqual(s.conditions, stored.status?.conditions),
    },
  ];

  for (const row of table) {
    it(row.name, () => {
      const status = receiverStatus(stored, row.check, NOW);
      row.expect(status);
      assert.equal(status.lastHandledReconcileAt, 'now-1', 'requestedAt is always echoed');
    });
  }
});

describe('assessReceiver', () => {
  it('accepts a Flux Receiver and applies defaults', () => {
    const r = assessReceiver(receiver({ events: ['push'] }));
    assert.ok(r.ok);
    assert.equal(r.receiver.spec.interval, '10m');
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['a missing secretRef', { secretRef: undefined }, /secretRef is required when type is not generic-oidc/],
    ['an unknown type', { type: 'svn' }, /spec.type/],
    ['gcr', { type: 'gcr' }, /type gcr is not supported by Ballast/],
    [
      'generic-oidc',
      {
        type: 'generic-oidc',
        secretRef: undefined,
        oidcProviders: [{ issuerURL: 'https://x', validations: [{ expression: 'true', message: 'm' }] }],
      },
      /generic-oidc is not supported/,
    ],
    ['a resourceFilter', { resourceFilter: 'true' }, /CEL filters .* are not supported/],
    ['a per-resource filter', { resources: [{ kind: 'GitRepository', name: 'a', filter: 'true' }] }, /CEL filters/],
  ];
  for (const [name, spec, message] of refused) {
    it(`refuses ${name} with a message saying why`, () => {
      const r = assessReceiver(receiver(spec));
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.message, message);
    });
  }
});

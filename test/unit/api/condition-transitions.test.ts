import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConditionType, getCondition, isReady, removeCondition, setCondition } from '../../../api/conditions.js';
import type { Condition } from '../../../api/meta.js';
import { Reason } from '../../../api/reasons.js';

const t0 = new Date('2026-01-02T03:04:05.678Z');
const t1 = new Date('2026-01-02T04:00:00.000Z');

describe('setCondition', () => {
  it('appends a new condition stamped with now, in whole seconds as metav1.Time', () => {
    const out = setCondition(
      undefined,
      { type: 'Ready', status: 'Unknown', reason: Reason.Progressing, message: 'x' },
      t0
    );
    assert.deepEqual(out, [
      {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Progressing',
        message: 'x',
        lastTransitionTime: '2026-01-02T03:04:05Z',
      },
    ]);
  });

  it('keeps lastTransitionTime when the status is unchanged, but takes the new reason and message', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: Reason.BuildFailed, message: 'a' }, t0);
    const second = setCondition(
      first,
      { type: 'Ready', status: 'False', reason: Reason.PruneFailed, message: 'b' },
      t1
    );
    assert.equal(second[0]?.lastTransitionTime, '2026-01-02T03:04:05Z');
    assert.equal(second[0]?.reason, 'PruneFailed');
    assert.equal(second[0]?.message, 'b');
  });

  it('moves lastTransitionTime when the status flips', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: Reason.BuildFailed, message: 'a' }, t0);
    const second = setCondition(
      first,
      { type: 'Ready', status: 'True', reason: Reason.ReconciliationSucceeded, message: 'ok' },
      t1
    );
    assert.equal(second[0]?.lastTransitionTime, '2026-01-02T04:00:00Z');
  });

  it('replaces in place without mutating the input or reordering the others', () => {
    const input: Condition[] = [
      {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Progressing',
        message: '',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
      {
        type: 'Reconciling',
        status: 'True',
        reason: 'Progressing',
        message: '',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ];
    const snapshot = structuredClone(input);
    const out = setCondition(
      input,
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok', observedGeneration: 3 },
      t1
    );
    assert.deepEqual(input, snapshot);
    assert.deepEqual(
      out.map((c) => c.type),
      ['Ready', 'Reconciling']
    );
    assert.equal(out[0]?.observedGeneration, 3);
  });
});

describe('getCondition, removeCondition, isReady', () => {
  const conditions = setCondition(
    setCondition([], { type: ConditionType.Ready, status: 'True', reason: Reason.Succeeded, message: '' }, t0),
    { type: ConditionType.Stalled, status: 'True', reason: Reason.AccessDenied, message: 'denied' },
    t0
  );

  it('finds a condition by type', () => assert.equal(getCondition(conditions, 'Stalled')?.reason, 'AccessDenied'));
  it('returns undefined for an absent type', () => assert.equal(getCondition(conditions, 'Healthy'), undefined));
  it('removes only the named type', () =>
    assert.deepEqual(
      removeCondition(conditions, 'Stalled').map((c) => c.type),
      ['Ready']
    ));
  it('is ready only when Ready is True', () => {
    assert.equal(isReady(conditions), true);
    assert.equal(isReady(undefined), false);
    const failed = setCondition(conditions, { type: 'Ready', status: 'False', reason: 'Failed', message: '' }, t1);
    assert.equal(isReady(failed), false);
  });
});

describe('Reason registry', () => {
  it('maps every name to the identical Flux string, so a reason is never misspelled on the wire', () => {
    for (const [name, value] of Object.entries(Reason)) assert.equal(value, name);
  });
});

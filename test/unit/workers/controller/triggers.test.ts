import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observe, triggersFor, type Observed } from '../../../../workers/controller/triggers.js';

const base: Observed = { generation: 1, deleting: false, ready: false };

describe('triggersFor', () => {
  const cases: {
    name: string;
    prev: Observed | undefined;
    now: Observed;
    self: string[];
    newRevision?: string;
    becameReady: boolean;
  }[] = [
    {
      name: 'first sight asks for a reconcile (created)',
      prev: undefined,
      now: base,
      self: ['created'],
      becameReady: false,
    },
    { name: 'a status-only update asks for nothing', prev: base, now: { ...base }, self: [], becameReady: false },
    {
      name: 'a spec change asks for a reconcile',
      prev: base,
      now: { ...base, generation: 2 },
      self: ['generation'],
      becameReady: false,
    },
    {
      name: 'a new requestedAt token asks for a reconcile',
      prev: base,
      now: { ...base, requestedAt: 't1' },
      self: ['annotation'],
      becameReady: false,
    },
    {
      name: 'the same requestedAt token again asks for nothing',
      prev: { ...base, requestedAt: 't1' },
      now: { ...base, requestedAt: 't1' },
      self: [],
      becameReady: false,
    },
    {
      name: 'a deletion asks for finalization',
      prev: base,
      now: { ...base, deleting: true },
      self: ['deleted'],
      becameReady: false,
    },
    {
      name: 'a new artifact revision is reported for dependents',
      prev: { ...base, artifactRevision: 'a' },
      now: { ...base, artifactRevision: 'b' },
      self: [],
      newRevision: 'b',
      becameReady: false,
    },
    {
      name: 'turning Ready is reported for dependents',
      prev: base,
      now: { ...base, ready: true },
      self: [],
      becameReady: true,
    },
    {
      name: 'applying a new revision while Ready is reported too',
      prev: { ...base, ready: true, appliedRevision: 'a' },
      now: { ...base, ready: true, appliedRevision: 'b' },
      self: [],
      becameReady: true,
    },
    {
      name: 'staying Ready at the same revision is not',
      prev: { ...base, ready: true, appliedRevision: 'a' },
      now: { ...base, ready: true, appliedRevision: 'a' },
      self: [],
      becameReady: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = triggersFor(c.prev, c.now);
      assert.deepEqual(
        t.self.map((r) => r.reason),
        c.self
      );
      assert.equal(t.newRevision, c.newRevision);
      assert.equal(t.becameReady, c.becameReady);
      const changed = c.prev
        ? c.now.readyState !== c.prev.readyState || c.now.ready !== c.prev.ready
        : c.now.readyState !== undefined;
      assert.equal(t.readyChanged, changed);
    });
  }
});

describe('triggersFor: source readiness', () => {
  it('reports a change of Ready status or reason, so users of a failing source hear of it', () => {
    assert.equal(
      triggersFor(
        { ...base, readyState: 'Unknown/Progressing' },
        { ...base, readyState: 'False/InvalidChartReference' }
      ).readyChanged,
      true
    );
    assert.equal(
      triggersFor({ ...base, readyState: 'False/X' }, { ...base, readyState: 'False/X' }).readyChanged,
      false
    );
    assert.equal(triggersFor(undefined, { ...base, readyState: 'False/X' }).readyChanged, true);
  });

  it('does not wake users when a source starts reconciling (Ready=Unknown), only when it settles', () => {
    const none = { ...base, readyState: undefined };
    const progressing = { ...base, readyState: 'Unknown/Progressing' };
    assert.equal(triggersFor(none, progressing).readyChanged, false);
    assert.equal(triggersFor({ ...base, readyState: 'False/GitOperationFailed' }, progressing).readyChanged, false);
    assert.equal(triggersFor(progressing, { ...base, ready: true, readyState: 'True/Succeeded' }).readyChanged, true);
  });

  it('reports a source whose new spec is not reconciled yet, and again once it is', () => {
    const ready = { ...base, ready: true, readyState: 'True/Succeeded' };
    const newSpec = { ...ready, generation: ready.generation + 1, ready: false };
    assert.equal(triggersFor(ready, newSpec).readyChanged, true);
    assert.equal(triggersFor(newSpec, { ...newSpec, ready: true }).readyChanged, true);
  });
});

describe('observe', () => {
  it('counts Ready only for the observed generation', () => {
    const obj = {
      metadata: { generation: 3 },
      status: { observedGeneration: 2, conditions: [{ type: 'Ready', status: 'True' }] },
    };
    assert.equal(observe(obj).ready, false);
    assert.equal(observe({ ...obj, status: { ...obj.status, observedGeneration: 3 } }).ready, true);
  });
  it('reads the requestedAt annotation and the artifact revision', () => {
    const o = observe({
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'x' } },
      status: { artifact: { revision: 'main@sha1:1' } },
    });
    assert.equal(o.requestedAt, 'x');
    assert.equal(o.artifactRevision, 'main@sha1:1');
  });
});

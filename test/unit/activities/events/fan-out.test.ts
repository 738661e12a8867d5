import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventSink, FluxEvent } from '../../../../api/events.js';
import { fanOut, notifying, recordAll } from '../../../../activities/events/fan-out.js';

const event = (reason: string): FluxEvent => ({
  involvedObject: { apiVersion: 'v1', kind: 'Kustomization', namespace: 'a', name: 'b' },
  severity: 'info',
  timestamp: '2026-01-01T00:00:00Z',
  message: reason,
  reason,
  metadata: {},
  reportingController: 'kustomize-controller',
});

const collecting = (into: string[]): EventSink => ({ record: async (e) => void into.push(e.reason) });
const failing = (message: string): EventSink => ({ record: () => Promise.reject(new Error(message)) });

describe('fanOut', () => {
  it('gives every event to every sink, even when one fails', async () => {
    const a: string[] = [];
    const b: string[] = [];
    const errors: string[] = [];
    const sink = fanOut([collecting(a), failing('slack down'), collecting(b)], {
      onError: (err, e, i) => errors.push(`${i}:${e.reason}:${(err as Error).message}`),
    });
    await sink.record(event('Progressing'));
    assert.deepEqual([a, b, errors], [['Progressing'], ['Progressing'], ['1:Progressing:slack down']]);
  });

  it('without an error handler, rejects naming every failure after all sinks ran', async () => {
    const a: string[] = [];
    const sink = fanOut([failing('one'), collecting(a), failing('two')]);
    await assert.rejects(sink.record(event('X')), /2 of 3 event sinks failed: one; two/);
    assert.deepEqual(a, ['X']);
  });
});

describe('recordAll', () => {
  it('reports a failing or stalled event and goes on with the next', async () => {
    const seen: string[] = [];
    const sink: EventSink = {
      async record(e) {
        if (e.reason === 'Bad') throw new Error('refused');
        if (e.reason === 'Slow') return new Promise<void>(() => {});
        seen.push(e.reason);
      },
    };
    const errors: string[] = [];
    await recordAll(
      sink,
      [event('Bad'), event('Slow'), event('Good')],
      (err, e) => errors.push(`${e.reason}: ${String(err)}`),
      50
    );
    assert.deepEqual(seen, ['Good']);
    assert.deepEqual(errors, ['Bad: Error: refused', 'Slow: Error: event not recorded within 50 ms']);
  });

  it('does nothing without a sink', async () => {
    await recordAll(undefined, [event('X')], () => assert.fail('no sink, no error'));
  });
});

describe('notifying', () => {
  it('keeps Kubernetes-only events (Progressing) from sinks that notify people', async () => {
    const seen: string[] = [];
    const sink = notifying(collecting(seen));
    for (const reason of ['Progressing', 'ReconciliationSucceeded', 'HealthCheckFailed'])
      await sink.record(event(reason));
    assert.deepEqual(seen, ['ReconciliationSucceeded', 'HealthCheckFailed']);
  });
});

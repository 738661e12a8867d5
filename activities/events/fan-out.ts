/**
 * Composing event sinks. A worker has several (Kubernetes Events, Alert delivery to Providers);
 * the status writer sees one.
 *
 * @module
 */
import type { EventSink, FluxEvent } from '../../api/events.js';
import { KUBERNETES_ONLY_REASONS } from './derive.js';

/** Called for each sink that failed one event; the others still get it. */
export type SinkErrorHandler = (err: unknown, event: FluxEvent, sinkIndex: number) => void;

/**
 * One sink that records every event in all `sinks`, concurrently. A failing sink does not stop
 * the others: its error goes to `onError`, or, without one, the returned promise rejects with an
 * AggregateError after every sink has had its turn.
 *
 * @example fanOut([createKubeEventSink({ core }), notifications], { onError: (err) => log.warn({ err }) })
 */
export function fanOut(sinks: readonly EventSink[], opts: { onError?: SinkErrorHandler } = {}): EventSink {
  return {
    async record(event) {
      const results = await Promise.allSettled(sinks.map((s) => s.record(event)));
      const failures: unknown[] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') return;
        if (opts.onError) opts.onError(r.reason, event, i);
        else failures.push(r.reason);
      });
      if (failures.length > 0) {
        const why = failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ');
        throw new AggregateError(failures, `${failures.length} of ${sinks.length} event sinks failed: ${why}`);
      }
    },
  };
}

/**
 * `sink` without the events Flux keeps to Kubernetes (Progressing): wrap every sink that notifies
 * people (Alerts, Providers), so they see what Flux's notification-controller would.
 */
export function notifying(sink: EventSink): EventSink {
  return { record: (event) => (KUBERNETES_ONLY_REASONS.has(event.reason) ? Promise.resolve() : sink.record(event)) };
}

/** How long one event may take before the status writer stops waiting for it. */
export const RECORD_TIMEOUT_MS = 10_000;

/** `work`, or a rejection once `ms` have passed. */
async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`event not recorded within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Records `events` in order, never throwing: an event that cannot be written (or takes longer than
 * `timeoutMs`) is reported to `onError` and the rest still go. Events are a report about a
 * reconcile, so they must neither fail nor stall it.
 */
export async function recordAll(
  sink: EventSink | undefined,
  events: readonly FluxEvent[],
  onError: (err: unknown, event: FluxEvent) => void,
  timeoutMs = RECORD_TIMEOUT_MS
): Promise<void> {
  if (!sink) return;
  for (const event of events) {
    try {
      await within(sink.record(event), timeoutMs);
    } catch (err) {
      onError(err, event);
    }
  }
}

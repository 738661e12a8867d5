/**
 * Pure bookkeeping of the notification delivery workflow: which requests are copies of recent
 * ones, the defaults of its settings, and how events and failures are named in its logs.
 * Deterministic, so the workflow may call it.
 *
 * @module
 */
import { ApplicationFailure, type ActivityFailure } from '@temporalio/workflow';
import type { NotificationRequest, NotificationWorkflowInput, QueuedNotification } from '../api/notification.js';

/**
 * How long an identical event is dropped as a copy: Flux's event server rate-limits identical
 * events for 5 minutes (`--rate-limit-interval`). Copies come from a retried status write or a
 * controller that reports the same failure on every retry.
 */
export const DUPLICATE_WINDOW_MS = 5 * 60_000;

/** Recent keys remembered; older ones are forgotten first. */
export const MAX_RECENT = 200;

/**
 * Most events a Provider's queue holds. A Provider down for its whole retention with events
 * arriving faster than they expire would otherwise grow the continue-as-new input without bound;
 * the oldest are expired (counted and logged), never dropped silently.
 */
export const MAX_PENDING = 500;

/** Deliveries before continue-as-new, keeping each run's history small. */
export const DELIVERIES_PER_RUN = 100;

/** Every optional setting of the workflow, with its default. */
export type DeliverySettings = Required<
  Pick<
    NotificationWorkflowInput,
    'retentionMs' | 'minIntervalMs' | 'retryInitialMs' | 'maxRetryIntervalMs' | 'idleTimeoutMs'
  >
>;

/** Defaults: retention 1 h, at most one send a second, retries from 2 s doubling to 1 min, idle end after 1 h. */
export const DEFAULT_DELIVERY: DeliverySettings = {
  retentionMs: 60 * 60_000,
  minIntervalMs: 1_000,
  retryInitialMs: 2_000,
  maxRetryIntervalMs: 60_000,
  idleTimeoutMs: 60 * 60_000,
};

/** The input's settings over the defaults. */
export function deliverySettings(input: NotificationWorkflowInput): DeliverySettings {
  const out = { ...DEFAULT_DELIVERY };
  for (const key of Object.keys(out) as (keyof DeliverySettings)[]) {
    const v = input[key];
    if (typeof v === 'number' && v > 0) out[key] = v;
  }
  return out;
}

/**
 * Identity of a request for de-duplication: the Alert, the object, severity, reason, message and
 * metadata; not the timestamp, which differs between copies.
 */
export function requestKey(req: NotificationRequest): string {
  const event = { ...req.event, timestamp: undefined };
  return hash53(JSON.stringify([req.alert, event, req.commitStatusUpdate, req.hasCommitKey]));
}

/** Entries younger than the duplicate window. */
export function recentOnly<T extends { at: number }>(recent: T[], now: number): T[] {
  return recent.filter((r) => now - r.at < DUPLICATE_WINDOW_MS).slice(-MAX_RECENT);
}

/** A 53-bit string hash (cyrb53) as hex: keys stay short in history, collisions are negligible. */
export function hash53(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

/** `<namespace>/<name>` of the Alert that queued the event. */
export const alertOf = (q: QueuedNotification): string => `${q.request.alert.namespace}/${q.request.alert.name}`;

/** `Kustomization/apps/podinfo ReconciliationFailed`: enough to find the event, short enough for a log line. */
export function eventLabel(q: QueuedNotification): string {
  const o = q.request.event.involvedObject;
  return `${o.kind}/${o.namespace}/${o.name} ${q.request.event.reason}`;
}

/** The innermost failure message: the Provider's answer, not "activity task failed". */
export function lastFailureMessage(err: ActivityFailure): string {
  let cause: Error | undefined = err.cause;
  while (cause?.cause instanceof Error && !(cause instanceof ApplicationFailure)) cause = cause.cause;
  return cause?.message || err.message;
}

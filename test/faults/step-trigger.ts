/**
 * Waits for a step boundary by polling the reconcile's workflow history, not the progress query:
 * the history is served by Temporal alone, so the trigger also works when the fault is the worker.
 */
import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StepBoundary } from './matrix.js';

/** Where the fault landed relative to the step's activity. */
export type Landing = 'during' | 'after';

interface HistoryEvent {
  eventId?: unknown;
  markerRecordedEventAttributes?: {
    markerName?: string | null;
    details?: Record<string, { payloads?: { data?: Uint8Array | null }[] | null }> | null;
  } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskFailedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskTimedOutEventAttributes?: { scheduledEventId?: unknown } | null;
}

/** Event ids are protobuf Longs (or numbers): compare them as decimal strings. */
const idOf = (v: unknown): string => (v as { toString(): string } | null | undefined)?.toString() ?? '';

/**
 * The activity type of a local activity's completion marker (Core records one `core_local_activity`
 * marker per local activity, its `data` a JSON object naming `activity_type`), else undefined.
 */
export function localActivityType(e: HistoryEvent): string | undefined {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    return (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }).activity_type;
  } catch {
    return undefined;
  }
}

/**
 * The boundary's event in these events and whether its step has closed, or undefined. Steps run
 * as normal activities (scheduled, then closed) or as local activities (a marker written when they
 * complete, so a fault can only land after them).
 */
export function findBoundary(events: HistoryEvent[], at: StepBoundary): Landing | undefined {
  const starts = events.filter(
    (e) =>
      e.activityTaskScheduledEventAttributes?.activityType?.name === at.activity || localActivityType(e) === at.activity
  );
  const target = starts[at.occurrence - 1];
  if (!target) return undefined;
  if (target.markerRecordedEventAttributes) return 'after';
  const id = idOf(target.eventId);
  const closed = events.some(
    (e) =>
      idOf(e.activityTaskCompletedEventAttributes?.scheduledEventId) === id ||
      idOf(e.activityTaskFailedEventAttributes?.scheduledEventId) === id ||
      idOf(e.activityTaskTimedOutEventAttributes?.scheduledEventId) === id
  );
  return closed ? 'after' : 'during';
}

/** Polls the latest run of `workflowId` every `pollMs` until the boundary is in its history. */
export async function waitForBoundary(
  client: Client,
  workflowId: string,
  at: StepBoundary,
  timeoutMs = 120_000,
  pollMs = 100
): Promise<Landing> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const history = await client.workflow
      .getHandle(workflowId)
      .fetchHistory()
      .catch(() => undefined);
    const landing = history && findBoundary(history.events ?? [], at);
    if (landing) return landing;
    if (Date.now() > deadline)
      throw new Error(`${at.activity} #${at.occurrence} not scheduled in ${workflowId} within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

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
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskFailedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskTimedOutEventAttributes?: { scheduledEventId?: unknown } | null;
}

/** Event ids are protobuf Longs (or numbers): compare them as decimal strings. */
const idOf = (v: unknown): string => (v as { toString(): string } | null | undefined)?.toString() ?? '';

/** The scheduled event of the boundary in these events and whether it has closed, or undefined. */
export function findBoundary(events: HistoryEvent[], at: StepBoundary): Landing | undefined {
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === at.activity);
  const target = scheduled[at.occurrence - 1];
  if (!target) return undefined;
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

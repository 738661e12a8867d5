/**
 * Reads a sample of workflow histories after a run: how many events and activities one reconcile
 * costs. The objects reconcile once each in a run (interval 1h, one commit), so a history read at
 * all-Ready holds exactly one reconcile plus the wait for the next.
 */
import type { Client } from '@temporalio/client';

/** Events and activities per sampled workflow. */
export interface HistoryStats {
  sampled: number;
  /** Mean events per history. */
  eventsPerReconcile: number;
  /** Mean ActivityTaskScheduled events per history. */
  activitiesPerReconcile: number;
  /** Mean WorkflowTaskCompleted events per history (each one a workflow task round trip). */
  workflowTasksPerReconcile: number;
  /** Activity type → mean times scheduled per history, most frequent first. */
  activities: Record<string, number>;
  /**
   * Where a reconcile's time goes, mean milliseconds per history: per activity type, waiting in the
   * task queue (scheduled → started: no free worker slot) and running (started → closed); workflow
   * tasks likewise (their run time includes the local activities they execute).
   */
  timing: Record<string, { queuedMs: number; runMs: number }>;
}

type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

const millis = (e: HistoryEvent): number => {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : 0;
};

/** Adds one history's queue and run times per activity type and for workflow tasks to `into`. */
function addTiming(events: HistoryEvent[], into: Map<string, { queuedMs: number; runMs: number }>): void {
  const byId = new Map<string, HistoryEvent>();
  for (const e of events) byId.set(String(e.eventId), e);
  const add = (key: string, queuedMs: number, runMs: number): void => {
    const t = into.get(key) ?? { queuedMs: 0, runMs: 0 };
    into.set(key, { queuedMs: t.queuedMs + queuedMs, runMs: t.runMs + runMs });
  };
  for (const e of events) {
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.workflowTaskCompletedEventAttributes ??
      e.workflowTaskFailedEventAttributes;
    if (!closed) continue;
    const scheduled = byId.get(String(closed.scheduledEventId));
    const started = byId.get(String(closed.startedEventId));
    if (!scheduled || !started) continue;
    const type = scheduled.activityTaskScheduledEventAttributes?.activityType?.name ?? '(workflow task)';
    add(type, millis(started) - millis(scheduled), millis(e) - millis(started));
  }
}

/** Reads the histories of `workflowIds` (all of them; pass a sample). */
export async function sampleHistories(client: Client, workflowIds: string[]): Promise<HistoryStats> {
  let events = 0;
  let workflowTasks = 0;
  const activities = new Map<string, number>();
  const timing = new Map<string, { queuedMs: number; runMs: number }>();
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    addTiming(history.events ?? [], timing);
    for (const event of history.events ?? []) {
      events++;
      if (event.workflowTaskCompletedEventAttributes) workflowTasks++;
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) activities.set(type, (activities.get(type) ?? 0) + 1);
    }
  }
  const n = Math.max(workflowIds.length, 1);
  const mean = (x: number): number => Number((x / n).toFixed(1));
  const totalActivities = [...activities.values()].reduce((a, b) => a + b, 0);
  return {
    sampled: workflowIds.length,
    eventsPerReconcile: mean(events),
    activitiesPerReconcile: mean(totalActivities),
    workflowTasksPerReconcile: mean(workflowTasks),
    activities: Object.fromEntries([...activities].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, mean(v)])),
    timing: Object.fromEntries(
      [...timing].map(([k, t]) => [k, { queuedMs: Math.round(t.queuedMs / n), runMs: Math.round(t.runMs / n) }])
    ),
  };
}

/** Up to `size` items spread evenly over `items` (first, last and between). */
export function spreadSample<T>(items: T[], size: number): T[] {
  if (items.length <= size) return items;
  return Array.from({ length: size }, (_, i) => items[Math.round((i * (items.length - 1)) / (size - 1))] as T);
}

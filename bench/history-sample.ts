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
}

/** Reads the histories of `workflowIds` (all of them; pass a sample). */
export async function sampleHistories(client: Client, workflowIds: string[]): Promise<HistoryStats> {
  let events = 0;
  let workflowTasks = 0;
  const activities = new Map<string, number>();
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
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
  };
}

/** Up to `size` items spread evenly over `items` (first, last and between). */
export function spreadSample<T>(items: T[], size: number): T[] {
  if (items.length <= size) return items;
  return Array.from({ length: size }, (_, i) => items[Math.round((i * (items.length - 1)) / (size - 1))] as T);
}

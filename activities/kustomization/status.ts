import { log } from '@temporalio/activity';
import { hostname } from 'node:os';
import { removeCondition, setCondition } from '../../api/conditions.js';
import type { EventSink } from '../../api/events.js';
import { formatDuration, MAX_HISTORY, type Condition, type History, type Snapshot } from '../../api/meta.js';
import type { KubeClients } from '../kube/client.js';
import { fluxObjectRef } from '../source/activities.js';
import { patchFluxStatus, readFluxObject, type FluxObjectRef } from '../kube/flux-objects.js';
import { eventsForTransition, type StatusView as EventStatusView } from '../events/derive.js';
import { recordAll } from '../events/fan-out.js';
import type { ConditionChange, StatusInput } from './types.js';

interface StatusView {
  metadata?: { generation?: number; uid?: string; resourceVersion?: string };
  status?: EventStatusView & { conditions?: Condition[]; history?: History };
}

function applyChange(
  conditions: Condition[],
  type: string,
  change: ConditionChange | undefined,
  now: Date,
  gen?: number
): Condition[] {
  if (change === undefined) return conditions;
  if (change === 'remove') return removeCondition(conditions, type);
  return setCondition(conditions, { type, ...change, ...(gen !== undefined ? { observedGeneration: gen } : {}) }, now);
}

/**
 * Upserts a snapshot: Flux keeps one entry per (digest, status), newest first, at most five.
 * A repeat bumps its counters and moves it to the front.
 */
export function upsertHistory(history: History, entry: NonNullable<StatusInput['history']>, now: string): History {
  const existing = history.find((h) => h.digest === entry.digest && h.lastReconciledStatus === entry.status);
  const snapshot: Snapshot = {
    digest: entry.digest,
    firstReconciled: existing?.firstReconciled ?? now,
    lastReconciled: now,
    lastReconciledDuration: formatDuration(entry.durationMs),
    lastReconciledStatus: entry.status,
    totalReconciliations: (existing?.totalReconciliations ?? 0) + 1,
    metadata: { revision: entry.revision },
  };
  return [snapshot, ...history.filter((h) => h !== existing)].slice(0, MAX_HISTORY);
}

/** Activities that write a Kustomization's status. */
export interface StatusActivities {
  /**
   * Applies the given condition and field changes to the status of a Kustomization or source
   * (stamping transition times here, not in the workflow). A missing object is not an error: it
   * was deleted meanwhile. After the patch, records the events the change means (Flux's reasons,
   * see activities/events/derive.ts) in the worker's event sinks; an event that cannot be written
   * is logged and does not fail the write.
   */
  writeStatus(input: StatusInput): Promise<void>;
}

/** API coordinates of the object whose status is written. */
function fluxRef(input: StatusInput): FluxObjectRef {
  return fluxObjectRef({ kind: input.kind ?? 'Kustomization', ...input.ref });
}

/** Condition types a write sets (not removes): an action's outcome counts even when it repeats. */
function writtenTypes(input: StatusInput): string[] {
  const changes: Record<string, ConditionChange | undefined> = {
    Ready: input.ready,
    Reconciling: input.reconciling,
    Healthy: input.healthy,
    Stalled: input.stalled,
    ...input.conditions,
  };
  return Object.entries(changes)
    .filter(([, c]) => c !== undefined && c !== 'remove')
    .map(([type]) => type);
}

/** Records the events the write means; a sink that fails is logged, never fails the write. */
async function emitEvents(
  events: EventSink | undefined,
  input: StatusInput,
  current: StatusView,
  status: Record<string, unknown>,
  now: Date
): Promise<void> {
  if (!events) return;
  const ref = fluxRef(input);
  const derived = eventsForTransition({
    object: {
      group: ref.group,
      apiVersion: `${ref.group}/${ref.version}`,
      kind: input.kind ?? 'Kustomization',
      namespace: ref.namespace,
      name: ref.name,
      ...(current.metadata?.uid ? { uid: current.metadata.uid } : {}),
    },
    before: current.status ?? {},
    after: { ...current.status, ...status },
    written: writtenTypes(input),
    timestamp: now.toISOString(),
    reportingInstance: hostname(),
  });
  await recordAll(events, derived, (err, event) => {
    log.warn('event not recorded', { reason: event.reason, object: `${ref.namespace}/${ref.name}`, err: String(err) });
  });
}

export function createStatusActivities(deps: { kube: KubeClients; events?: EventSink }): StatusActivities {
  return {
    async writeStatus(input) {
      const ref = fluxRef(input);
      const current = await readFluxObject<StatusView>(deps.kube.custom, ref);
      if (!current) return;
      const now = new Date();
      const gen = current.metadata?.generation;
      let conditions = current.status?.conditions ?? [];
      conditions = applyChange(conditions, 'Ready', input.ready, now, gen);
      conditions = applyChange(conditions, 'Reconciling', input.reconciling, now, gen);
      conditions = applyChange(conditions, 'Healthy', input.healthy, now, gen);
      conditions = applyChange(conditions, 'Stalled', input.stalled, now, gen);
      for (const [type, change] of Object.entries(input.conditions ?? {}))
        conditions = applyChange(conditions, type, change, now, gen);
      const status: Record<string, unknown> = { ...input.fields, conditions };
      if (input.observedGeneration !== undefined) status.observedGeneration = input.observedGeneration;
      if (input.lastAttemptedRevision !== undefined) status.lastAttemptedRevision = input.lastAttemptedRevision;
      if (input.lastAppliedRevision !== undefined) status.lastAppliedRevision = input.lastAppliedRevision;
      if (input.lastHandledReconcileAt !== undefined) status.lastHandledReconcileAt = input.lastHandledReconcileAt;
      if (input.history)
        status.history = upsertHistory(current.status?.history ?? [], input.history, now.toISOString());
      await patchFluxStatus(deps.kube.custom, ref, status);
      await emitEvents(deps.events, input, current, status, now);
    },
  };
}

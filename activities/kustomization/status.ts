import { removeCondition, setCondition } from '../../api/conditions.js';
import { formatDuration, MAX_HISTORY, type Condition, type History, type Snapshot } from '../../api/meta.js';
import type { KubeClients } from '../kube/client.js';
import { fluxObjectRef } from '../source/activities.js';
import { patchFluxStatus, readFluxObject, type FluxObjectRef } from '../kube/flux-objects.js';
import type { ConditionChange, StatusInput } from './types.js';

interface StatusView {
  metadata?: { generation?: number };
  status?: { conditions?: Condition[]; history?: History };
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
   * was deleted meanwhile.
   */
  writeStatus(input: StatusInput): Promise<void>;
}

/** API coordinates of the object whose status is written. */
function fluxRef(input: StatusInput): FluxObjectRef {
  return fluxObjectRef({ kind: input.kind ?? 'Kustomization', ...input.ref });
}

export function createStatusActivities(deps: { kube: KubeClients }): StatusActivities {
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
    },
  };
}

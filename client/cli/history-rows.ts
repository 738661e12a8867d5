/**
 * The two sources of `ballast history`, reduced to rows: the workflow's ring of recent reconciles
 * (every pass, with duration, steps and objects changed) and the object's `status.history`
 * snapshots (Flux's: one per distinct revision; HelmRelease's: one per Helm release). Pure.
 *
 * @module
 */
import type { ReconcileResult } from '../../api/messages.js';

/** One past reconcile from the workflow. */
export interface ReconcileRow {
  finishedAt?: string;
  result: 'Succeeded' | 'Failed';
  reason: string;
  revision: string;
  durationMs: number;
  objectsChanged?: number;
  message: string;
}

/** One snapshot from `status.history`. */
export interface SnapshotRow {
  revision: string;
  status: string;
  /** When it was last reconciled (Flux) or deployed (Helm). */
  at?: string;
  /** Go duration of the last reconcile (Flux snapshots only). */
  duration?: string;
  reconciles?: number;
  digest?: string;
}

export function reconcileRows(recent: readonly ReconcileResult[] | undefined): ReconcileRow[] {
  return (recent ?? []).map((r) => ({
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    result: r.ready ? 'Succeeded' : 'Failed',
    reason: r.reason,
    revision: r.revision ?? '',
    durationMs: r.durationMs,
    ...(r.objectsChanged === undefined ? {} : { objectsChanged: r.objectsChanged }),
    message: r.message,
  }));
}

interface AnySnapshot {
  digest?: string;
  // Flux meta.Snapshot
  lastReconciled?: string;
  lastReconciledDuration?: string;
  lastReconciledStatus?: string;
  totalReconciliations?: number;
  metadata?: Record<string, string>;
  // helm-controller Snapshot
  version?: number;
  status?: string;
  chartName?: string;
  chartVersion?: string;
  lastDeployed?: string;
}

export function snapshotRows(history: unknown): SnapshotRow[] {
  if (!Array.isArray(history)) return [];
  return (history as AnySnapshot[]).map((s) => {
    if (s.version !== undefined) {
      return {
        revision: `${s.chartName ?? ''}@${s.chartVersion ?? ''} (release v${s.version})`,
        status: s.status ?? '',
        ...(s.lastDeployed ? { at: s.lastDeployed } : {}),
        ...(s.digest ? { digest: s.digest } : {}),
      };
    }
    return {
      revision: s.metadata?.revision ?? '',
      status: s.lastReconciledStatus ?? '',
      ...(s.lastReconciled ? { at: s.lastReconciled } : {}),
      ...(s.lastReconciledDuration ? { duration: s.lastReconciledDuration } : {}),
      ...(s.totalReconciliations === undefined ? {} : { reconciles: s.totalReconciliations }),
      ...(s.digest ? { digest: s.digest } : {}),
    };
  });
}

/**
 * Metrics of whole reconciles, fed by the reconcile workflows through a sink. The duration
 * histogram is Flux's (fluxcd/pkg runtime/metrics): same name, labels and buckets, so Flux
 * dashboards and alerts read Ballast unchanged. The rest is Ballast's own, prefixed `ballast_`.
 *
 * @module
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { PassReport } from '../../api/sinks.js';

/** The object a reconcile was for. */
export interface ObjectLabels {
  kind: string;
  namespace: string;
  name: string;
}

/** Flux's buckets: ExponentialBuckets(10e-9, 10, 10), i.e. 10ns … 10s. */
export const FLUX_DURATION_BUCKETS = Array.from({ length: 10 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));

/** From a request being handled to its pass starting: queueing behind a running pass, mostly. */
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 900];

/** Steps of a pass that undo a failed change (`result.steps` names them). */
const REMEDIATION_STEPS = ['rollback', 'uninstall'] as const;

export interface ReconcileMetrics {
  /** Records one finished pass of the object's reconcile loop. */
  recordPass(object: ObjectLabels, report: PassReport): void;
}

/** Registers the reconcile metrics on `registry`. */
export function createReconcileMetrics(registry: Registry): ReconcileMetrics {
  const registers = [registry];
  const objectLabels = ['kind', 'name', 'namespace'] as const;
  const duration = new Histogram({
    name: 'gotk_reconcile_duration_seconds',
    help: 'The duration in seconds of a GitOps Toolkit resource reconciliation.',
    labelNames: objectLabels,
    buckets: FLUX_DURATION_BUCKETS,
    registers,
  });
  const reconciles = new Counter({
    name: 'ballast_reconciles_total',
    help: 'Reconciles finished, by outcome (success: Ready=True) and the reason written to Ready.',
    labelNames: [...objectLabels, 'result', 'reason'],
    registers,
  });
  const lag = new Histogram({
    name: 'ballast_reconcile_request_lag_seconds',
    help: 'Seconds a reconcile request waited before the reconcile it asked for started.',
    labelNames: ['kind'],
    buckets: LAG_BUCKETS,
    registers,
  });
  const remediations = new Counter({
    name: 'ballast_remediations_total',
    help: 'Remediation steps run after a failed change (action: rollback or uninstall).',
    labelNames: [...objectLabels, 'action'],
    registers,
  });
  const rollbacks = new Counter({
    name: 'ballast_rollbacks_total',
    help: 'Rollbacks to the last healthy revision or release (the rollback subset of remediations).',
    labelNames: objectLabels,
    registers,
  });
  return {
    recordPass(object, { result, waitedMs }) {
      duration.observe(object, result.durationMs / 1000);
      reconciles.inc({ ...object, result: result.ready ? 'success' : 'failure', reason: result.reason });
      if (waitedMs !== undefined) lag.observe({ kind: object.kind }, Math.max(0, waitedMs) / 1000);
      for (const action of REMEDIATION_STEPS) {
        const times = result.steps.filter((s) => s === action).length;
        if (times === 0) continue;
        remediations.inc({ ...object, action }, times);
        if (action === 'rollback') rollbacks.inc(object, times);
      }
    },
  };
}

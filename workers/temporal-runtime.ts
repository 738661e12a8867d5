import { DefaultLogger, Runtime, type LogLevel, type TelemetryOptions } from '@temporalio/worker';

let installed = false;

export interface TemporalRuntimeOptions {
  /** Level of the SDK's own logger; its INFO prints the webpack report of every workflow bundle. */
  level?: LogLevel;
  /**
   * host:port where the Temporal Core runtime serves its Prometheus metrics (workflow and activity
   * task latencies, poller counts, sticky cache…) on `/metrics`. Unset: no SDK metrics.
   */
  metricsAddress?: string;
}

/** What the install did; the caller logs it (this module has no logger yet when it runs). */
export type RuntimeInstall =
  | { installed: false }
  | { installed: true; metrics: 'off' | 'serving' }
  | { installed: true; metrics: 'failed'; error: string };

/** Prometheus conventions: seconds for durations, `_total` on counters, units in histogram names. */
function prometheusTelemetry(bindAddress: string): TelemetryOptions {
  return {
    metrics: { prometheus: { bindAddress, useSecondsForDurations: true, countersTotalSuffix: true, unitSuffix: true } },
  };
}

/**
 * Installs the Temporal runtime once per process (later calls are no-ops). The Core runtime serves
 * the SDK's metrics itself, from its native code, on `metricsAddress`: Temporal maintains those
 * names and their dashboards, and bridging them into prom-client would need the experimental
 * metrics buffer and re-aggregation in JavaScript. If that address is taken, the worker still
 * starts, without SDK metrics: losing them is better than losing reconciles.
 */
export function installTemporalRuntime(opts: TemporalRuntimeOptions = {}): RuntimeInstall {
  if (installed) return { installed: false };
  const logger = new DefaultLogger(opts.level ?? 'WARN');
  let result: RuntimeInstall = { installed: true, metrics: 'off' };
  if (opts.metricsAddress) {
    try {
      Runtime.install({ logger, telemetryOptions: prometheusTelemetry(opts.metricsAddress) });
      result = { installed: true, metrics: 'serving' };
    } catch (err) {
      result = { installed: true, metrics: 'failed', error: String(err) };
    }
  }
  if (result.metrics !== 'serving') Runtime.install({ logger });
  installed = true;
  return result;
}

/**
 * The Temporal SDK metrics Ballast's dashboard reads. The Core runtime serves them itself (see
 * workers/temporal-runtime.ts for why), so no prom-client registry lists them; this list is what
 * the dashboard test checks against, and the metrics integration test scrapes a worker's runtime
 * to prove every name is really served, with the exporter options Ballast sets (seconds,
 * `_total` on counters, units in histogram names).
 *
 * @module
 */
export const TEMPORAL_SDK_METRICS = [
  'temporal_workflow_task_schedule_to_start_latency_seconds_bucket',
  'temporal_workflow_task_execution_latency_seconds_bucket',
  'temporal_activity_schedule_to_start_latency_seconds_bucket',
  'temporal_activity_execution_failed_total',
  'temporal_worker_task_slots_available',
  'temporal_sticky_cache_size',
] as const;

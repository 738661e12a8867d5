/** Activity option classes every reconcile workflow shares. */

/**
 * Kubernetes reads and writes: quick, retried with backoff, bounded so a dead apiserver fails the
 * pass. The heartbeat timeout is for liveness only: the worker heartbeats every activity that has
 * one (workers/activity-heartbeats.ts), so an attempt the server recorded as started on a worker
 * that died or never received it is retried after 30 s instead of its whole start-to-close timeout.
 */
export const shortIo = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
  // 1, 2, 4, 8, 16, then 20 s apart: ten attempts span about 2 minutes, so a restarting apiserver
  // (30 s in the fault-injection suite) does not fail the step.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 10 },
} as const;

/**
 * Status reads and writes run as local activities: each records one marker event and needs no
 * workflow task of its own, where a normal activity costs three events and a task. They are short
 * and idempotent, so re-running one after a worker crash is harmless. Local activities cannot
 * heartbeat; the start-to-close timeout bounds them instead.
 */
export const localIo = { startToCloseTimeout: '1 minute', retry: shortIo.retry } as const;

/**
 * Graceful stop of a Ballast process. Kubernetes and Docker send SIGTERM, a terminal SIGINT; the
 * process then has its grace period (`terminationGracePeriodSeconds`, `stop_grace_period`) before
 * SIGKILL. Each entry point turns readiness false first, then drains, then exits 0.
 *
 * @module
 */

/** The signals that ask a Ballast process to stop. */
export const TERMINATION_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Calls `handler` on the first termination signal only: a second one while draining is ignored
 * (the runtime's SIGKILL ends a drain that takes too long).
 */
export function onTermination(handler: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  for (const signal of TERMINATION_SIGNALS) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      handler(signal);
    });
  }
}

/** Error thrown by {@link withDeadline} when the work outlives its deadline. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

/**
 * Settles like `work`, or rejects with {@link DeadlineExceededError} after `ms`: a stop step (an
 * HTTP request still waiting on a reconcile, a watch that does not end) must not hold the process
 * past its grace period.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`${what} did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Heartbeats for every activity that is scheduled with a heartbeat timeout, sent by the worker
 * while the activity runs, so the activities themselves need not remember to.
 *
 * Why: under load the Temporal server can record an activity as started on a worker that never
 * receives it (a poll answer lost, a persistence write that timed out after it landed). Nothing
 * then runs, and without a heartbeat timeout the server waits out the whole start-to-close timeout
 * (5 minutes for a build) before retrying. With one, a lost attempt is retried after the heartbeat
 * timeout, while a live attempt, however long, keeps itself alive.
 *
 * @module
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Beats this many times per heartbeat timeout; the SDK throttles what reaches the server. */
const BEATS_PER_TIMEOUT = 3;

/** The activity interceptor that heartbeats (without details) while an activity with a heartbeat timeout runs. */
export function heartbeatWhileRunning(): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const timeoutMs = ctx.info.heartbeatTimeoutMs;
        if (!timeoutMs) return next(input);
        // No beat at the start: activities shorter than one period cost the server nothing extra.
        const beat = setInterval(() => ctx.heartbeat(), Math.max(100, timeoutMs / BEATS_PER_TIMEOUT));
        try {
          return await next(input);
        } finally {
          clearInterval(beat);
        }
      },
    },
  });
}

import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { Reason } from '../api/reasons.js';

/** The Flux reason and a message a person can act on, from whatever a step threw. */
export function describeFailure(
  err: unknown,
  fallbackReason: string = Reason.ReconciliationFailed
): { reason: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    return { reason: cause.type && cause.nonRetryable ? cause.type : fallbackReason, message: cause.message };
  }
  if (cause instanceof Error) return { reason: fallbackReason, message: cause.message };
  return { reason: fallbackReason, message: String(cause) };
}

export { isCancellation };

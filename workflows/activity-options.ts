/** Activity option classes every reconcile workflow shares. */

/** Kubernetes reads and writes: quick, retried with backoff, bounded so a dead apiserver fails the pass. */
export const shortIo = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 6 },
} as const;

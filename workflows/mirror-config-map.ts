import { proxyActivities } from '@temporalio/workflow';
import type { Activities, MirrorConfigMapInput, MirrorConfigMapResult } from '../activities/index.js';

/** Kubernetes API calls: short, retried with backoff on transient failures. */
const shortIo = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
} as const;

const { mirrorConfigMap } = proxyActivities<Activities>(shortIo);

/**
 * The foundation's vertical slice: copies one ConfigMap to another through an activity, proving
 * worker, Temporal server and Kubernetes API work together.
 */
export async function mirrorConfigMapWorkflow(input: MirrorConfigMapInput): Promise<MirrorConfigMapResult> {
  return await mirrorConfigMap(input);
}

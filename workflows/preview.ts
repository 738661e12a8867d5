/**
 * `ballast diff`: a short-lived workflow that previews what the next apply of a Kustomization
 * would change, on the workers (which have Git, kustomize, the artifact store and the object's
 * service account), so the CLI needs none of them. One activity: the build and the dry-run results
 * never leave the worker except sealed to the caller.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities, PreviewKustomizationInput, PreviewKustomizationResult } from '../activities/index.js';
import { shortIo } from './activity-options.js';

/** Fetch, build and dry-run in one go; a person is waiting, so failures surface after one retry. */
const preview = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { ...shortIo.retry, maximumAttempts: 2 },
});

/** Builds and dry-runs one Kustomization, at its current source artifact or another Git revision. */
export async function previewKustomizationWorkflow(
  input: PreviewKustomizationInput
): Promise<PreviewKustomizationResult> {
  return preview.previewKustomization(input);
}

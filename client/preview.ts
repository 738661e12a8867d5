/**
 * `ballast diff` from the client side: runs the short-lived preview workflow on the Ballast workers
 * and opens the sealed diff it returns with a key made for this one call.
 *
 * @module
 */
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { GitRepositoryRef } from '../api/gitrepository.js';
import { workflowIdFor, type ObjectRef } from '../api/workflow-ids.js';
import { createSealKeys, openSealedBox } from '../activities/preview/sealed-box.js';
import type { PreviewDetails, PreviewKustomizationResult } from '../activities/preview/types.js';
import type { previewKustomizationWorkflow } from '../workflows/preview.js';

export type { FieldChange, ObjectPreview, PreviewAction, PreviewDetails } from '../activities/preview/types.js';

/** A preview with its details opened. */
export interface KustomizationPreview extends Omit<PreviewKustomizationResult, 'details'> {
  details: PreviewDetails;
}

/** `main`, `refs/pull/1/head` or a full commit SHA as a GitRepository `spec.ref`. */
export function parseGitRef(text: string): GitRepositoryRef {
  const ref = text.trim();
  if (ref === '') throw new RangeError('--ref must name a branch, a full ref (refs/…) or a full commit SHA');
  if (/^[0-9a-f]{40}$/i.test(ref)) return { commit: ref.toLowerCase() };
  if (ref.startsWith('refs/')) return { name: ref };
  return { branch: ref };
}

/**
 * Builds and dry-runs a Kustomization on a Ballast worker polling `taskQueue`, at its current source
 * artifact or at `gitRef`, and returns what the next apply would change. Rejects with the
 * workflow's failure when the preview cannot be built.
 */
export async function previewKustomization(
  temporal: Client,
  opts: { ref: ObjectRef; taskQueue: string; gitRef?: GitRepositoryRef }
): Promise<KustomizationPreview> {
  const keys = createSealKeys();
  const result = await temporal.workflow.execute<typeof previewKustomizationWorkflow>('previewKustomizationWorkflow', {
    taskQueue: opts.taskQueue,
    // Unique per call, under the object's own ID so the Temporal UI lists previews next to the loop.
    workflowId: `${workflowIdFor(opts.ref)}/preview-${randomUUID()}`,
    workflowExecutionTimeout: '10 minutes',
    args: [
      {
        ref: { namespace: opts.ref.namespace, name: opts.ref.name },
        ...(opts.gitRef ? { gitRef: opts.gitRef } : {}),
        recipientKey: keys.publicKey,
      },
    ],
  });
  const details = JSON.parse(openSealedBox(keys.privateKey, result.details)) as PreviewDetails;
  return { ...result, details };
}

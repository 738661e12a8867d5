/**
 * `previewKustomization`: what the next apply of a Kustomization would change, found by building
 * it (at its source's current artifact or at another Git revision) and server-side dry-running every
 * object. It writes nothing: no status, no artifact, no object.
 *
 * @module
 */
import { ApplicationFailure } from '@temporalio/activity';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KustomizationSchema } from '../../api/kustomization.js';
import { formatIssues } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject } from '../kube/flux-objects.js';
import { clientsFor } from '../kube/impersonation.js';
import { buildManifests } from '../kustomize/build.js';
import { resolveSubstitutions } from '../kustomize/substitute-from.js';
import { classifyBuildError } from '../kustomization/build.js';
import { kustomizationRef } from '../kustomization/load.js';
import { ownerLabels, type ArtifactReader } from '../kustomization/materialize.js';
import { checkoutSource } from './checkout.js';
import { previewObjects } from './dry-run-diff.js';
import { parseRecipientKey, seal } from './sealed-box.js';
import type {
  ObjectPreview,
  PreviewAction,
  PreviewDetails,
  PreviewKustomizationInput,
  PreviewKustomizationResult,
} from './types.js';

export interface PreviewDeps {
  kube: KubeClients;
  store: ArtifactReader;
  kustomizeBinary: string;
  fieldManager: string;
  allowLocalGit?: boolean;
}

/** Activities of `ballast diff`. */
export interface PreviewActivities {
  /**
   * Builds the Kustomization and dry-runs it against the cluster. Returns the built revision, counts
   * per action and the per-object diff sealed to `recipientKey`. Writes nothing to status. Fails
   * non-retryably (NotFound, ArtifactFailed, BuildFailed, GitOperationFailed…) when it cannot build.
   */
  previewKustomization(input: PreviewKustomizationInput): Promise<PreviewKustomizationResult>;
}

/** Above this the field changes are dropped, keeping the payload well under Temporal's blob limit. */
const MAX_DETAILS_CHARS = 1_000_000;

function details(objects: ObjectPreview[]): string {
  const full = JSON.stringify({ objects } satisfies PreviewDetails);
  if (full.length <= MAX_DETAILS_CHARS) return full;
  const slim = objects.map(({ changes, ...rest }) => ({ ...rest, ...(changes ? { changes: [] } : {}) }));
  return JSON.stringify({ objects: slim, truncated: true } satisfies PreviewDetails);
}

function countActions(objects: ObjectPreview[]): Record<PreviewAction, number> {
  const counts: Record<PreviewAction, number> = { created: 0, configured: 0, unchanged: 0, deleted: 0, refused: 0 };
  for (const o of objects) counts[o.action]++;
  return counts;
}

export function createPreviewActivities(deps: PreviewDeps): PreviewActivities {
  return {
    async previewKustomization(input) {
      try {
        parseRecipientKey(input.recipientKey);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
      }
      const raw = await readFluxObject(deps.kube.custom, kustomizationRef(input.ref));
      const where = `Kustomization ${input.ref.namespace}/${input.ref.name}`;
      if (!raw) throw ApplicationFailure.nonRetryable(`${where} not found`, 'NotFound');
      const parsed = KustomizationSchema.safeParse(raw);
      if (!parsed.success)
        throw ApplicationFailure.nonRetryable(`${where}: invalid spec: ${formatIssues(parsed.error)}`, Reason.Failed);
      const ks = parsed.data;
      const dir = await mkdtemp(path.join(tmpdir(), 'ballast-preview-'));
      try {
        const revision = await checkoutSource(deps, ks, input.gitRef, dir);
        const built = await buildManifests(
          {
            spec: ks.spec,
            artifactDir: dir,
            ownerLabels: ownerLabels(input.ref),
            vars: await resolveSubstitutions(deps.kube, input.ref.namespace, ks.spec),
          },
          { kustomizeBinary: deps.kustomizeBinary, timeoutMs: 120_000 }
        ).catch((err: unknown) => {
          throw classifyBuildError(err);
        });
        const tenant = clientsFor(deps.kube, input.ref.namespace, ks.spec.serviceAccountName);
        const objects = await previewObjects(tenant, built.objects, {
          fieldManager: deps.fieldManager,
          inventory: ks.spec.prune ? ks.status?.inventory?.entries : undefined,
        });
        return { revision, counts: countActions(objects), details: seal(input.recipientKey, details(objects)) };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

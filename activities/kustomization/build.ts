import { ApplicationFailure } from '@temporalio/activity';
import { Reason } from '../../api/reasons.js';
import { BuildError, InvalidPathError } from '../kustomize/build.js';
import { ArtifactDigestMismatchError, ArtifactNotFoundError, UnsafeArchiveError } from '../source/artifact-store.js';
import { KustomizeError } from '../kustomize/kustomize-cli.js';
import { SubstituteSourceError } from '../kustomize/substitute-from.js';
import { DecryptionError } from '../kustomize/sops.js';
import { buildFresh, StaleBuildError, type MaterializeDeps } from './materialize.js';
import type { BuildResult, StepInput } from './types.js';

/**
 * Maps build failures to Flux reasons. Permanent ones (bad manifests, missing path, missing
 * substitution source, failed decryption) become non-retryable; the workflow writes their type into Ready=False.
 */
export function classifyBuildError(err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof InvalidPathError) return ApplicationFailure.nonRetryable(message, Reason.ArtifactFailed);
  if (
    err instanceof BuildError ||
    err instanceof KustomizeError ||
    err instanceof SubstituteSourceError ||
    err instanceof DecryptionError
  ) {
    return ApplicationFailure.nonRetryable(message, Reason.BuildFailed);
  }
  if (err instanceof StaleBuildError) return ApplicationFailure.nonRetryable(message, Reason.Progressing);
  if (
    err instanceof ArtifactDigestMismatchError ||
    err instanceof ArtifactNotFoundError ||
    err instanceof UnsafeArchiveError
  ) {
    return ApplicationFailure.nonRetryable(message, Reason.ArtifactFailed);
  }
  return err;
}

/** Activities that build manifests. */
export interface BuildActivities {
  /**
   * Extracts the artifact, runs kustomize with the spec's overlays and substitutions, and caches
   * the manifests in this worker. Returns only their digest and count. Writes nothing to status.
   */
  buildKustomization(input: StepInput): Promise<BuildResult>;
}

export function createBuildActivities(deps: MaterializeDeps): BuildActivities {
  return {
    async buildKustomization(input) {
      try {
        const built = await buildFresh(deps, input, 120_000);
        return { digest: built.digest, objects: built.objects.length };
      } catch (err) {
        throw classifyBuildError(err);
      }
    },
  };
}

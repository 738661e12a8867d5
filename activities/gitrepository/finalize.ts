import type { KubeClients } from '../kube/client.js';
import { readFluxObject, setFinalizer } from '../kube/flux-objects.js';
import type { ArtifactStore } from '../source/artifact-store.js';
import { gitRepositoryRef } from './load.js';
import type { GitRepositoryRef } from './types.js';

/** Activities that clean up after a deleted GitRepository. */
export interface GitFinalizeActivities {
  /** Removes the object's artifacts from the store, then its finalizer. */
  finalizeGitRepository(ref: GitRepositoryRef): Promise<void>;
}

export function createGitFinalizeActivities(deps: { kube: KubeClients; store: ArtifactStore }): GitFinalizeActivities {
  return {
    async finalizeGitRepository(ref) {
      const obj = await readFluxObject<{ metadata?: { finalizers?: string[]; resourceVersion?: string } }>(
        deps.kube.custom,
        gitRepositoryRef(ref)
      );
      if (!obj) return;
      await deps.store.gc({ kind: 'gitrepository', ...ref }, 0);
      await setFinalizer(deps.kube.custom, gitRepositoryRef(ref), obj, false);
    },
  };
}

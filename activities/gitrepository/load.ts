import { GitRepositoryKind, GitRepositorySchema, type GitRepository } from '../../api/gitrepository.js';
import { formatIssues, parseDuration } from '../../api/meta.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject, setFinalizer, type FluxObjectRef } from '../kube/flux-objects.js';
import type { GitRepositoryPlan, GitRepositoryRef } from './types.js';

/** API coordinates of a GitRepository. */
export function gitRepositoryRef(ref: GitRepositoryRef): FluxObjectRef {
  return {
    group: GitRepositoryKind.group,
    version: GitRepositoryKind.version,
    plural: GitRepositoryKind.plural,
    ...ref,
  };
}

/** Reads a GitRepository and parses it; undefined when it does not exist. */
export async function readGitRepository(
  kube: KubeClients,
  ref: GitRepositoryRef
): Promise<{ raw: GitRepository; parsed?: GitRepository; error?: string } | undefined> {
  const raw = await readFluxObject<GitRepository>(kube.custom, gitRepositoryRef(ref));
  if (!raw) return undefined;
  const parsed = GitRepositorySchema.safeParse(raw);
  return parsed.success
    ? { raw, parsed: parsed.data }
    : { raw, error: formatIssues(parsed.error).replace(/\n/g, '; ') };
}

/** Activities that read a GitRepository. */
export interface GitLoadActivities {
  /** Reads the object and its current artifact; adds the finalizer to live objects. Writes no status. */
  loadGitRepository(ref: GitRepositoryRef): Promise<GitRepositoryPlan>;
}

export function createGitLoadActivities(deps: { kube: KubeClients }): GitLoadActivities {
  return {
    async loadGitRepository(ref) {
      const read = await readGitRepository(deps.kube, ref);
      const empty = { exists: false, generation: 0, deleting: false, suspended: false, intervalMs: 600_000 };
      if (!read) return empty;
      const { raw, parsed, error } = read;
      const deleting = raw.metadata.deletionTimestamp !== undefined;
      const artifact = raw.status?.artifact;
      const plan: GitRepositoryPlan = {
        ...empty,
        exists: true,
        generation: raw.metadata.generation ?? 0,
        deleting,
        suspended: raw.spec?.suspend === true,
        requestedAt: raw.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'],
        ...(artifact
          ? { artifact: { revision: artifact.revision, digest: artifact.digest ?? '', path: artifact.path } }
          : {}),
      };
      if (!parsed) return { ...plan, invalidSpec: error };
      if (!deleting) await setFinalizer(deps.kube.custom, gitRepositoryRef(ref), raw, true);
      return { ...plan, intervalMs: parseDuration(parsed.spec.interval) };
    },
  };
}

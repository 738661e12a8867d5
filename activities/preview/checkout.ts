import { ApplicationFailure, Context } from '@temporalio/activity';
import type { GitRepository, GitRepositoryRef } from '../../api/gitrepository.js';
import type { Kustomization } from '../../api/kustomization.js';
import { parseDuration } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject } from '../kube/flux-objects.js';
import type { ArtifactReader } from '../kustomization/materialize.js';
import { fetchGitRevision, GitSourceError } from '../source/git.js';
import { readCredentials } from '../source/git-repository.js';
import { fluxObjectRef } from '../source/read.js';

export interface CheckoutDeps {
  kube: KubeClients;
  store: ArtifactReader;
  allowLocalGit?: boolean;
}

const refused = (message: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(message, Reason.ArtifactFailed);

/**
 * Puts the Kustomization's source into `dir` (empty) and returns its revision: the GitRepository's
 * current artifact from the store, or, with `gitRef`, that branch or commit fetched from the remote
 * with the GitRepository's URL and credentials. Nothing is stored: a preview leaves no artifact.
 */
export async function checkoutSource(
  deps: CheckoutDeps,
  ks: Kustomization,
  gitRef: GitRepositoryRef | undefined,
  dir: string
): Promise<string> {
  const { kind, name } = ks.spec.sourceRef;
  const namespace = ks.spec.sourceRef.namespace ?? ks.metadata.namespace ?? '';
  const where = `${kind}/${namespace}/${name}`;
  if (kind !== 'GitRepository') throw refused(`source kind ${kind} is not supported by preview`);
  const repo = await readFluxObject<GitRepository>(deps.kube.custom, fluxObjectRef({ kind, namespace, name }));
  if (!repo) throw refused(`source '${where}' not found`);
  if (!gitRef) {
    const artifact = repo.status?.artifact;
    if (!artifact) throw refused(`source '${where}' has no artifact yet`);
    await deps.store.extractTo(artifact.path, artifact.digest ?? '', dir);
    return artifact.revision;
  }
  try {
    const credentials = await readCredentials(deps.kube, namespace, repo.spec.secretRef?.name);
    const fetched = await fetchGitRevision(
      {
        url: repo.spec.url,
        ref: gitRef,
        credentials,
        timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
        allowLocal: deps.allowLocalGit ?? false,
        dir,
      },
      { signal: Context.current().cancellationSignal }
    );
    return fetched.revision;
  } catch (err) {
    if (err instanceof GitSourceError && err.permanent) throw ApplicationFailure.nonRetryable(err.message, err.reason);
    throw err;
  }
}

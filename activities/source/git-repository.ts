import { ApplicationFailure, Context } from '@temporalio/activity';
import { rm } from 'node:fs/promises';
import type { GitRepository } from '../../api/gitrepository.js';
import { parseDuration } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import type { KubeClients } from '../kube/client.js';
import { readSecretStrings } from '../kube/secrets.js';
import { packDirectory, UnsafeSymlinkError } from './archive.js';
import { fetchGitRevision, GitSourceError, lsRemoteRevision, type GitCredentials } from './git.js';
import type { SourceDeps } from './read.js';
import { DEFAULT_SOURCE_LIMITS, SourceLimitError } from './source-limits.js';
import { assertSourceUrlAllowed, SourceUrlPolicyError } from './url-policy.js';
import { unchangedArtifact, type FetchResult, type SourceRef } from './types.js';

/** How many artifacts per GitRepository the store keeps: the current one plus rollback targets. */
const KEEP_ARTIFACTS = 3;

/** Reads `secretRef` into git credentials; the values never leave the activity that asked. */
export async function readCredentials(
  kube: KubeClients,
  namespace: string,
  name: string | undefined
): Promise<GitCredentials | undefined> {
  if (!name) return undefined;
  const data = await readSecretStrings(kube, namespace, name);
  if (!data)
    throw ApplicationFailure.nonRetryable(`secret '${namespace}/${name}' not found`, Reason.AuthenticationFailed);
  return {
    username: data.username,
    password: data.password,
    bearerToken: data.bearerToken,
    identity: data.identity,
    knownHosts: data.known_hosts,
  };
}

/** Permanent Git errors carry their Flux reason (AuthenticationFailed, URLInvalid, GitOperationFailed). */
function classify(err: unknown): unknown {
  if (err instanceof GitSourceError && err.permanent) return ApplicationFailure.nonRetryable(err.message, err.reason);
  if (err instanceof UnsafeSymlinkError || err instanceof SourceLimitError)
    return ApplicationFailure.nonRetryable(err.message, Reason.StorageOperationFailed);
  if (err instanceof SourceUrlPolicyError) return ApplicationFailure.nonRetryable(err.message, Reason.URLInvalid);
  return err;
}

/**
 * Resolves `spec.ref` upstream (ls-remote); only when the commit (or the ignore rules) differ from
 * the stored artifact does it clone, package and store a new artifact. Heartbeats while it works.
 */
export async function fetchGitRepository(deps: SourceDeps, repo: GitRepository, ref: SourceRef): Promise<FetchResult> {
  const { spec, status } = repo;
  const credentials = await readCredentials(deps.kube, ref.namespace, spec.secretRef?.name);
  const gitInput = {
    url: spec.url,
    ref: spec.ref,
    credentials,
    timeoutMs: parseDuration(spec.timeout),
    allowLocal: deps.allowLocalGit ?? false,
  };
  const ignore = spec.ignore ?? '';
  const ctx = Context.current();
  // Clones can be long; heartbeats let a dead worker be noticed and a cancel arrive.
  const beat = setInterval(() => ctx.heartbeat(), 2000);
  const control = { signal: ctx.cancellationSignal };
  const key = { kind: 'gitrepository', namespace: ref.namespace, name: ref.name };
  try {
    // Before any connection: a refused host must not be contacted at all.
    await assertSourceUrlAllowed(spec.url, { allowLinkLocal: deps.allowLinkLocalSources });
    const remote = await lsRemoteRevision(gitInput, control);
    const current = status.artifact;
    if (
      current &&
      current.revision === remote.revision &&
      (status.observedIgnore ?? '') === ignore &&
      (await deps.store.has(current.path))
    ) {
      return unchangedArtifact(current, { observedIgnore: ignore || undefined });
    }
    const checkout = await fetchGitRevision(gitInput, control);
    try {
      const packed = await packDirectory(checkout.dir, {
        ignore: ignore.split('\n').filter((l) => l.trim() !== ''),
        limits: deps.sourceLimits ?? DEFAULT_SOURCE_LIMITS,
      });
      const stored = await deps.store.put(key, packed.file).finally(() => rm(packed.file, { force: true }));
      await deps.store.gc(key, KEEP_ARTIFACTS);
      return {
        changed: true,
        artifact: {
          revision: checkout.revision,
          digest: stored.digest,
          path: stored.path,
          size: stored.size,
          url: stored.url,
          lastUpdateTime: new Date().toISOString(),
        },
        observed: { observedIgnore: ignore || undefined },
      };
    } finally {
      await rm(checkout.dir, { recursive: true, force: true });
    }
  } catch (err) {
    throw classify(err);
  } finally {
    clearInterval(beat);
  }
}

import { ApplicationFailure, Context } from '@temporalio/activity';
import { rm } from 'node:fs/promises';
import { parseDuration } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import type { KubeClients } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import type { ArtifactStore } from '../source/artifact-store.js';
import { packDirectory, UnsafeSymlinkError } from '../source/archive.js';
import { fetchGitRevision, GitSourceError, lsRemoteRevision, type GitCredentials } from '../source/git.js';
import { readGitRepository } from './load.js';
import type { FetchInput, FetchResult } from './types.js';

/** Activities that fetch a GitRepository into the artifact store. */
export interface FetchActivities {
  /**
   * Resolves the ref upstream (ls-remote); when the commit differs from the stored artifact's,
   * clones, packages (ignore rules applied) and stores a new artifact. Returns the artifact
   * reference; writes nothing to status. Auth and URL errors are non-retryable with Flux reasons.
   */
  fetchGitRepository(input: FetchInput): Promise<FetchResult>;
}

/** Reads `secretRef` into git credentials; the values never leave this activity. */
async function readAuth(
  kube: KubeClients,
  namespace: string,
  name: string | undefined
): Promise<GitCredentials | undefined> {
  if (!name) return undefined;
  try {
    const data = (await kube.core.readNamespacedSecret({ namespace, name })).data ?? {};
    const get = (k: string): string | undefined =>
      data[k] ? Buffer.from(data[k], 'base64').toString('utf8') : undefined;
    return {
      username: get('username'),
      password: get('password'),
      bearerToken: get('bearerToken'),
      identity: get('identity'),
      knownHosts: get('known_hosts'),
    };
  } catch (err) {
    if (isNotFound(err))
      throw ApplicationFailure.nonRetryable(`secret '${namespace}/${name}' not found`, Reason.AuthenticationFailed);
    throw err;
  }
}

/** Permanent Git errors carry their Flux reason (AuthenticationFailed, URLInvalid, GitOperationFailed). */
function classify(err: unknown): unknown {
  if (err instanceof GitSourceError && err.permanent) return ApplicationFailure.nonRetryable(err.message, err.reason);
  if (err instanceof UnsafeSymlinkError)
    return ApplicationFailure.nonRetryable(err.message, Reason.StorageOperationFailed);
  return err;
}

export function createFetchActivities(deps: {
  kube: KubeClients;
  store: ArtifactStore;
  allowLocalGit?: boolean;
}): FetchActivities {
  return {
    async fetchGitRepository(input) {
      const read = await readGitRepository(deps.kube, input.ref);
      if (!read?.parsed) throw ApplicationFailure.nonRetryable(read?.error ?? 'GitRepository not found', Reason.Failed);
      const { spec, status } = read.parsed;
      const auth = await readAuth(deps.kube, input.ref.namespace, spec.secretRef?.name);
      const gitInput = {
        url: spec.url,
        ref: spec.ref,
        credentials: auth,
        timeoutMs: parseDuration(spec.timeout),
        allowLocal: deps.allowLocalGit ?? false,
      };
      const ignore = spec.ignore ?? '';
      const ctx = Context.current();
      // Clones can be long; heartbeats let a dead worker be noticed and a cancel arrive.
      const beat = setInterval(() => ctx.heartbeat(), 2000);
      const control = { signal: ctx.cancellationSignal };
      try {
        const remote = await lsRemoteRevision(gitInput, control);
        const current = status.artifact;
        if (
          current &&
          current.revision === remote.revision &&
          (status.observedIgnore ?? '') === ignore &&
          (await deps.store.has(current.path))
        ) {
          return {
            changed: false,
            artifact: {
              ...current,
              digest: current.digest ?? '',
              url: current.url ?? '',
              lastUpdateTime: current.lastUpdateTime ?? '',
            },
          };
        }
        const checkout = await fetchGitRevision(gitInput, control);
        try {
          const packed = await packDirectory(checkout.dir, {
            ignore: ignore.split('\n').filter((l) => l.trim() !== ''),
          });
          const stored = await deps.store
            .put({ kind: 'gitrepository', namespace: input.ref.namespace, name: input.ref.name }, packed.file)
            .finally(() => rm(packed.file, { force: true }));
          await deps.store.gc({ kind: 'gitrepository', namespace: input.ref.namespace, name: input.ref.name }, 3);
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
          };
        } finally {
          await rm(checkout.dir, { recursive: true, force: true });
        }
      } catch (err) {
        throw classify(err);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

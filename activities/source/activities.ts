import { ApplicationFailure } from '@temporalio/activity';
import { parseDuration } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import { readFluxObject, setFinalizer } from '../kube/flux-objects.js';
import { fetchGitRepository } from './git-repository.js';
import { fetchHelmChart } from './helm-chart.js';
import { fetchHelmRepository } from './helm-repository.js';
import { fluxObjectRef, readSource, type ParsedSource, type SourceDeps } from './read.js';
import type { FetchInput, FetchResult, SourcePlan, SourceRef } from './types.js';

export { fluxObjectRef, readSource, type ParsedSource, type SourceDeps } from './read.js';

/** Per-kind fetch: read upstream, store a new artifact when it changed. */
export type Fetcher = (deps: SourceDeps, obj: ParsedSource, ref: SourceRef) => Promise<FetchResult>;

const FETCHERS: Record<SourceRef['kind'], Fetcher | undefined> = {
  GitRepository: fetchGitRepository as Fetcher,
  HelmRepository: fetchHelmRepository as unknown as Fetcher,
  HelmChart: fetchHelmChart as unknown as Fetcher,
};

/** Activities of every source kind: load, fetch, finalize. */
export interface SourceActivities {
  /** Reads the object and its current artifact; adds the finalizer to live objects. Writes no status. */
  loadSource(ref: SourceRef): Promise<SourcePlan>;
  /**
   * Checks upstream and stores a new artifact when it changed. Returns the artifact reference;
   * writes nothing to status. Permanent failures are non-retryable with the kind's Flux reason.
   */
  fetchSource(input: FetchInput): Promise<FetchResult>;
  /** Removes the object's artifacts from the store, then its finalizer. */
  finalizeSource(ref: SourceRef): Promise<void>;
}

export function createSourceActivities(deps: SourceDeps): SourceActivities {
  return {
    async loadSource(ref) {
      const read = await readSource(deps.kube, ref);
      const empty: SourcePlan = {
        exists: false,
        generation: 0,
        deleting: false,
        suspended: false,
        intervalMs: 600_000,
      };
      if (!read) return empty;
      const { raw, parsed, error } = read;
      const deleting = raw.metadata.deletionTimestamp !== undefined;
      const artifact = raw.status?.artifact;
      const plan: SourcePlan = {
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
      if (!deleting) await setFinalizer(deps.kube.custom, fluxObjectRef(ref), raw, true);
      return { ...plan, intervalMs: parseDuration(parsed.spec.interval) };
    },

    async fetchSource(input) {
      const read = await readSource(deps.kube, input.ref);
      if (!read?.parsed)
        throw ApplicationFailure.nonRetryable(read?.error ?? `${input.ref.kind} not found`, Reason.Failed);
      const fetcher = FETCHERS[input.ref.kind];
      if (!fetcher) throw ApplicationFailure.nonRetryable(`${input.ref.kind} is not supported yet`, Reason.Failed);
      return fetcher(deps, read.parsed, input.ref);
    },

    async finalizeSource(ref) {
      const obj = await readFluxObject<ParsedSource>(deps.kube.custom, fluxObjectRef(ref));
      if (!obj) return;
      await deps.store.gc({ kind: ref.kind.toLowerCase(), namespace: ref.namespace, name: ref.name }, 0);
      await setFinalizer(deps.kube.custom, fluxObjectRef(ref), obj, false);
    },
  };
}

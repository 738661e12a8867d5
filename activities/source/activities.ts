import { ApplicationFailure } from '@temporalio/activity';
import { kindDescriptor } from '../../api/kinds.js';
import { formatIssues, parseDuration, type Artifact } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject, setFinalizer, type FluxObjectRef } from '../kube/flux-objects.js';
import type { ArtifactStore } from './artifact-store.js';
import { fetchGitRepository } from './git-repository.js';
import type { FetchInput, FetchResult, SourcePlan, SourceRef } from './types.js';

/** API coordinates of any served kind's object. */
export function fluxObjectRef(ref: { kind: string; namespace: string; name: string }): FluxObjectRef {
  const d = kindDescriptor(ref.kind);
  return { group: d.group, version: d.version, plural: d.plural, namespace: ref.namespace, name: ref.name };
}

/** What every source object has, once parsed. */
export interface ParsedSource {
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: { interval: string; suspend?: boolean };
  status: { artifact?: Artifact };
}

export interface SourceDeps {
  kube: KubeClients;
  store: ArtifactStore;
  allowLocalGit?: boolean;
}

/** Per-kind fetch: read upstream, store a new artifact when it changed. */
export type Fetcher = (deps: SourceDeps, obj: ParsedSource, ref: SourceRef) => Promise<FetchResult>;

const FETCHERS: Record<SourceRef['kind'], Fetcher | undefined> = {
  GitRepository: fetchGitRepository as Fetcher,
  HelmRepository: undefined,
  HelmChart: undefined,
};

/** Registers the fetcher of a source kind (Helm kinds register from their own modules). */
export function registerFetcher(kind: SourceRef['kind'], fetcher: Fetcher): void {
  FETCHERS[kind] = fetcher;
}

/** Reads and parses a source; undefined when it does not exist. */
export async function readSource(
  kube: KubeClients,
  ref: SourceRef
): Promise<{ raw: ParsedSource; parsed?: ParsedSource; error?: string } | undefined> {
  const raw = await readFluxObject<ParsedSource>(kube.custom, fluxObjectRef(ref));
  if (!raw) return undefined;
  const parsed = kindDescriptor(ref.kind).schemas.object.safeParse(raw);
  return parsed.success
    ? { raw, parsed: parsed.data as ParsedSource }
    : { raw, error: formatIssues(parsed.error).replace(/\n/g, '; ') };
}

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

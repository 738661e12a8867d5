import { kindDescriptor } from '../../api/kinds.js';
import { formatIssues, type Artifact } from '../../api/meta.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject, type FluxObjectRef } from '../kube/flux-objects.js';
import type { ArtifactStore } from './artifact-store.js';
import type { SourceLimits } from './source-limits.js';
import type { SourceRef } from './types.js';

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
  /** The helm binary (packaging charts from Git); a bare name is looked up on PATH. */
  helmBinary?: string;
  /** Size limits on checkouts and downloads; DEFAULT_SOURCE_LIMITS when unset. */
  sourceLimits?: SourceLimits;
  /** Fetch from link-local and cloud metadata hosts (url-policy.ts); refused when unset. */
  allowLinkLocalSources?: boolean;
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

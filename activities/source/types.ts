/** Inputs and results of the source activities: references only, never content or credentials. */
import type { ArtifactRef } from '../kustomization/types.js';

/** The source kinds Ballast reconciles into artifacts. */
export type SourceKind = 'GitRepository' | 'HelmRepository' | 'HelmChart';

export interface SourceRef {
  kind: SourceKind;
  namespace: string;
  name: string;
}

export interface SourcePlan {
  exists: boolean;
  generation: number;
  deleting: boolean;
  suspended: boolean;
  invalidSpec?: string;
  intervalMs: number;
  requestedAt?: string;
  /** The artifact in status now, if any. */
  artifact?: ArtifactRef;
}

export interface FetchInput {
  ref: SourceRef;
  generation: number;
}

/** What a fetch stored, as it goes into `status.artifact`, plus the kind's observed fields. */
export interface FetchResult {
  /** False when upstream still matches the stored artifact: nothing was downloaded or stored. */
  changed: boolean;
  /** Absent for a static source that stores nothing (an OCI HelmRepository: its HelmCharts pull). */
  artifact?: ArtifactRef & { size?: number; url: string; lastUpdateTime: string };
  /** Extra status fields the kind records (observedIgnore, observedChartName, url…). */
  observed?: Record<string, unknown>;
}

/** A stored artifact as status holds it (optional fields absent in older objects). */
export interface StatusArtifact {
  revision: string;
  digest?: string;
  path: string;
  url?: string;
  lastUpdateTime?: string;
  size?: number;
}

/** The result of a fetch that found upstream unchanged: the current artifact, reported again. */
export function unchangedArtifact(current: StatusArtifact, observed?: Record<string, unknown>): FetchResult {
  return {
    changed: false,
    artifact: {
      ...current,
      digest: current.digest ?? '',
      url: current.url ?? '',
      lastUpdateTime: current.lastUpdateTime ?? '',
    },
    ...(observed ? { observed } : {}),
  };
}

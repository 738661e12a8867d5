/** Inputs and results of the GitRepository activities: references only, never repository content or credentials. */
import type { ArtifactRef } from '../kustomization/types.js';

export interface GitRepositoryRef {
  namespace: string;
  name: string;
}

export interface GitRepositoryPlan {
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
  ref: GitRepositoryRef;
  generation: number;
}

export interface FetchResult {
  /** False when upstream still points at the stored artifact's commit: nothing was cloned or stored. */
  changed: boolean;
  artifact: ArtifactRef & { size?: number; url: string; lastUpdateTime: string };
}

/**
 * Inputs and results of the HelmRelease activities. Everything here crosses workflow history:
 * references, digests, counters and short messages — never values or manifests.
 */
import type { HelmReleaseSnapshot } from '../../api/helmrelease.js';
import type { RemediationPolicy } from '../../api/helmrelease-actions.js';
import type { ArtifactRef } from '../kustomization/types.js';

export interface HelmReleaseRef {
  namespace: string;
  name: string;
}

/** The latest Helm release in storage, as the decision function needs it. */
export interface ObservedRelease {
  revision: number;
  status: string;
  chartName: string;
  chartVersion: string;
  /** Ballast's config digest recorded with the release; undefined for releases Ballast did not make. */
  configDigest?: string;
}

/** Remediation settings of one action (install or upgrade), Flux defaults resolved. */
export type Remediation = RemediationPolicy;

/** What the workflow needs to decide; read fresh from the cluster every reconcile. */
export interface HelmReleasePlan {
  exists: boolean;
  generation: number;
  deleting: boolean;
  suspended: boolean;
  invalidSpec?: string;
  /** A reference the multi-tenancy lockdown refuses (Flux's AccessDenied); no chart is made, nothing installed. */
  accessDenied?: string;
  intervalMs: number;
  timeoutMs: number;
  requestedAt?: string;
  forceRequested: boolean;
  resetRequested: boolean;
  releaseName: string;
  targetNamespace: string;
  storageNamespace: string;
  testEnabled: boolean;
  driftMode: 'disabled' | 'warn' | 'enabled';
  install: Remediation;
  upgrade: Remediation;
  failures: { install: number; upgrade: number; total: number };
  lastAttempted?: { chartVersion?: string; configDigest?: string; generation?: number; action?: 'install' | 'upgrade' };
  /** `<namespace>/<name>` of the HelmChart in use. */
  helmChart: string;
  chart: { ready: true; artifact: ArtifactRef; chartName: string } | { ready: false; message: string };
  dependencies: { ready: true } | { ready: false; message: string };
}

/** Input of every step that works on a chart and values. */
export interface ReleaseStepInput {
  ref: HelmReleaseRef;
  generation: number;
  artifact: ArtifactRef;
  /** Digest of the composed values the workflow decided with. */
  configDigest: string;
}

/** A history snapshot of the release an action produced (status.history entry). */
export type ReleaseSnapshot = HelmReleaseSnapshot;

/** What a Helm action did: `ok` false is a release failure (counted, remediated), not an activity failure. */
export interface ActionResult {
  ok: boolean;
  message: string;
  /** The release after the action, as status.history records it. */
  snapshot?: ReleaseSnapshot;
}

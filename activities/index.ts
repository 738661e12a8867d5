/**
 * Every activity of a Ballast worker, built from the clients they need. Workflows import only the
 * `Activities` *type* from here (enforced by lint), never the implementations.
 */
import type { EventSink } from '../api/events.js';
import { createHelmActionActivities, type HelmActionActivities } from './helmrelease/actions.js';
import { createHelmReleaseFinalizeActivities, type HelmReleaseFinalizeActivities } from './helmrelease/finalize.js';
import { createHelmReleaseLoadActivities, type HelmReleaseLoadActivities } from './helmrelease/load.js';
import type { KubeClients } from './kube/client.js';
import { withDefaultServiceAccount } from './kube/impersonation.js';
import { createConfigMapActivities, type ConfigMapActivities } from './kube/config-map.js';
import { createApplyActivities, type ApplyActivities } from './kustomization/apply.js';
import { createBuildActivities, type BuildActivities } from './kustomization/build.js';
import { createFinalizeActivities, type FinalizeActivities } from './kustomization/finalize.js';
import { createHealthActivities, type HealthActivities } from './kustomization/health.js';
import { createLoadActivities, type LoadActivities } from './kustomization/load.js';
import { ArtifactCheckouts } from './kustomization/checkouts.js';
import { BuildCache } from './kustomization/materialize.js';
import { createNotifyActivities, type NotifyActivities } from './notify/deliver.js';
import { createPruneActivities, type PruneActivities } from './kustomization/prune.js';
import { createStatusActivities, type StatusActivities } from './kustomization/status.js';
import { createPreviewActivities, type PreviewActivities } from './preview/preview.js';
import type { ArtifactStore } from './source/artifact-store.js';
import type { SourceLimits } from './source/source-limits.js';
import { createSourceActivities, type SourceActivities } from './source/activities.js';
import type { TenancyOptions } from './tenancy/options.js';

/** Clients and settings the activity factories receive; tests hand in their own. */
export interface ActivityDeps {
  kube: KubeClients;
  /** Field manager for server-side apply. */
  fieldManager: string;
  store: ArtifactStore;
  kustomizeBinary: string;
  /** The sops binary for Kustomization `spec.decryption`; defaults to `sops` on PATH. */
  sopsBinary?: string;
  /** The helm binary; a bare name is looked up on PATH. */
  helmBinary: string;
  /** Allow `file://` and plain local paths as Git URLs (tests only). */
  allowLocalGit?: boolean;
  /** Poll period of health checks. */
  healthPollMs?: number;
  /** Where status changes are reported as Flux events (compose several with `fanOut`); none when unset. */
  events?: EventSink;
  /** Multi-tenancy lockdown (Flux RFC-0001); everything off when unset. */
  tenancy?: TenancyOptions;
  /** Source size limits and the link-local URL policy (activities/source/source-limits.ts, url-policy.ts). */
  sourceLimits?: SourceLimits;
  allowLinkLocalSources?: boolean;
}

/** Every activity a workflow may call, by name. */
export type Activities = ConfigMapActivities &
  LoadActivities &
  BuildActivities &
  ApplyActivities &
  PruneActivities &
  HealthActivities &
  StatusActivities &
  FinalizeActivities &
  SourceActivities &
  HelmReleaseLoadActivities &
  HelmActionActivities &
  HelmReleaseFinalizeActivities &
  NotifyActivities &
  PreviewActivities;

/** Builds all activities of one worker. */
export function createActivities(given: ActivityDeps): Activities {
  const deps = { ...given, kube: withDefaultServiceAccount(given.kube, given.tenancy?.defaultServiceAccount) };
  const builds = new BuildCache();
  const checkouts = new ArtifactCheckouts(deps.store);
  const helmDeps = {
    kube: deps.kube,
    tenancy: deps.tenancy,
    helmBinary: deps.helmBinary,
    kustomizeBinary: deps.kustomizeBinary,
    fieldManager: deps.fieldManager,
  };
  const materialize = {
    kube: deps.kube,
    store: deps.store,
    kustomizeBinary: deps.kustomizeBinary,
    sopsBinary: deps.sopsBinary,
    noRemoteBases: deps.tenancy?.noRemoteBases,
    builds,
    checkouts,
  };
  return {
    ...createConfigMapActivities(deps),
    ...createLoadActivities(deps),
    ...createBuildActivities(materialize),
    ...createApplyActivities({ ...materialize, fieldManager: deps.fieldManager }),
    ...createPruneActivities(materialize),
    ...createHealthActivities({ ...materialize, pollMs: deps.healthPollMs }),
    ...createStatusActivities(deps),
    ...createFinalizeActivities(deps),
    ...createSourceActivities(deps),
    ...createHelmReleaseLoadActivities(helmDeps),
    ...createHelmActionActivities({ ...helmDeps, store: deps.store }),
    ...createHelmReleaseFinalizeActivities(helmDeps),
    ...createNotifyActivities(deps),
    ...createPreviewActivities({ ...materialize, fieldManager: deps.fieldManager, allowLocalGit: deps.allowLocalGit }),
  };
}

export type { MirrorConfigMapInput, MirrorConfigMapResult } from './kube/config-map.js';
export type {
  ApplyResult,
  ArtifactRef,
  HealthResult,
  KustomizationPlan,
  KustomizationRef,
  PruneResult,
  StatusInput,
  StepInput,
} from './kustomization/types.js';
export type { SourceKind, SourceRef } from './source/types.js';
export type { ActionResult, HelmReleasePlan, HelmReleaseRef, ReleaseSnapshot } from './helmrelease/types.js';
export type { PreviewKustomizationInput, PreviewKustomizationResult } from './preview/types.js';

import { isTrue } from '../../api/conditions.js';
import type { GitRepository } from '../../api/gitrepository.js';
import { KustomizationSchema, type Kustomization } from '../../api/kustomization.js';
import { formatIssues, parseDuration } from '../../api/meta.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject, setFinalizer, type FluxObjectRef } from '../kube/flux-objects.js';
import { fluxObjectRef } from '../source/read.js';
import { crossNamespaceDenial } from '../tenancy/cross-namespace.js';
import type { TenancyOptions } from '../tenancy/options.js';
import { cycleMessage, findDependencyCycle, type DependencyNode } from './dependency-cycle.js';
import type { KustomizationPlan, KustomizationRef } from './types.js';

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

/** API coordinates of a Kustomization. */
export function kustomizationRef(ref: KustomizationRef): FluxObjectRef {
  return fluxObjectRef({ kind: 'Kustomization', ...ref });
}

async function sourceState(kube: KubeClients, ks: Kustomization): Promise<KustomizationPlan['source']> {
  const { kind, name } = ks.spec.sourceRef;
  const namespace = ks.spec.sourceRef.namespace ?? ks.metadata.namespace ?? '';
  if (kind !== 'GitRepository') return { ready: false, message: `source kind ${kind} is not supported yet` };
  const src = await readFluxObject<GitRepository>(kube.custom, fluxObjectRef({ kind, namespace, name }));
  if (!src) return { ready: false, message: `Source '${kind}/${namespace}/${name}' not found` };
  const artifact = src.status?.artifact;
  if (!artifact)
    return { ready: false, message: `Source '${kind}/${namespace}/${name}' is not ready: no artifact yet` };
  return { ready: true, artifact: { revision: artifact.revision, digest: artifact.digest ?? '', path: artifact.path } };
}

/** The dependencies of a Kustomization as nodes, namespaces defaulting to its own. */
function dependencyNodes(ks: Pick<Kustomization, 'metadata' | 'spec'>): DependencyNode[] {
  const own = ks.metadata.namespace ?? '';
  return (ks.spec.dependsOn ?? []).map((d) => ({ namespace: d.namespace ?? own, name: d.name }));
}

/**
 * Flux's dependency rule: each dependency exists, has reconciled its current generation, is
 * Ready, and — when it uses the same source — has applied the revision this one is about to apply.
 * A dependency that is not ready because the dependencies form a cycle is reported as the cycle.
 */
async function dependencyState(
  kube: KubeClients,
  ks: Kustomization,
  revision: string | undefined
): Promise<KustomizationPlan['dependencies']> {
  const state = await dependencyReadiness(kube, ks, revision);
  if (state.ready) return state;
  const read = async (node: DependencyNode): Promise<DependencyNode[] | undefined> => {
    const other = await readFluxObject<Kustomization>(kube.custom, kustomizationRef(node));
    return other ? dependencyNodes(other) : undefined;
  };
  const start = { namespace: ks.metadata.namespace ?? '', name: ks.metadata.name };
  const cycle = await findDependencyCycle(start, read);
  return cycle ? { ready: false, message: cycleMessage(cycle) } : state;
}

async function dependencyReadiness(
  kube: KubeClients,
  ks: Kustomization,
  revision: string | undefined
): Promise<KustomizationPlan['dependencies']> {
  for (const dep of ks.spec.dependsOn ?? []) {
    const namespace = dep.namespace ?? ks.metadata.namespace ?? '';
    const other = await readFluxObject<Kustomization>(kube.custom, kustomizationRef({ namespace, name: dep.name }));
    const label = `'${namespace}/${dep.name}'`;
    if (!other) return { ready: false, message: `dependency ${label} not found` };
    const observed = other.status?.observedGeneration ?? -1;
    if (observed !== other.metadata.generation || !isTrue(other.status?.conditions, 'Ready')) {
      return { ready: false, message: `dependency ${label} is not ready` };
    }
    const sameSource =
      other.spec.sourceRef.kind === ks.spec.sourceRef.kind &&
      other.spec.sourceRef.name === ks.spec.sourceRef.name &&
      (other.spec.sourceRef.namespace ?? namespace) === (ks.spec.sourceRef.namespace ?? ks.metadata.namespace);
    if (sameSource && revision && other.status?.lastAppliedRevision !== revision) {
      return { ready: false, message: `dependency ${label} has not applied revision ${revision} yet` };
    }
  }
  return { ready: true };
}

const EMPTY_PLAN: Omit<KustomizationPlan, 'exists'> = {
  generation: 0,
  deleting: false,
  suspended: false,
  intervalMs: 600_000,
  retryIntervalMs: 600_000,
  timeoutMs: 600_000,
  prune: false,
  rollbackEnabled: false,
  checksHealth: false,
  source: { ready: false, message: 'not loaded' },
  dependencies: { ready: true },
};

/** Activities that read a Kustomization and what it depends on. */
export interface LoadActivities {
  /**
   * Reads the object, its source and its dependencies, and adds the finalizer to live objects.
   * Writes nothing to status.
   */
  loadKustomization(ref: KustomizationRef): Promise<KustomizationPlan>;
}

/** Under the lockdown, why the Kustomization's source or dependencies are out of bounds. */
function accessDenial(ks: Kustomization): string | undefined {
  const refs = [ks.spec.sourceRef, ...(ks.spec.dependsOn ?? []).map((d) => ({ kind: 'Kustomization', ...d }))];
  return crossNamespaceDenial(ks.metadata.namespace ?? '', refs);
}

export function createLoadActivities(deps: { kube: KubeClients; tenancy?: TenancyOptions }): LoadActivities {
  return {
    async loadKustomization(ref) {
      const raw = await readFluxObject<Kustomization>(deps.kube.custom, kustomizationRef(ref));
      if (!raw) return { ...EMPTY_PLAN, exists: false };
      const base = {
        ...EMPTY_PLAN,
        exists: true,
        generation: raw.metadata.generation ?? 0,
        deleting: raw.metadata.deletionTimestamp !== undefined,
        suspended: raw.spec?.suspend === true,
        requestedAt: raw.metadata.annotations?.[REQUESTED_AT],
        lastAppliedRevision: raw.status?.lastAppliedRevision,
      };
      const parsed = KustomizationSchema.safeParse(raw);
      if (!parsed.success) return { ...base, invalidSpec: formatIssues(parsed.error).replace(/\n/g, '; ') };
      const ks = parsed.data;
      if (!base.deleting) await setFinalizer(deps.kube.custom, kustomizationRef(ref), raw, true);
      const intervalMs = parseDuration(ks.spec.interval);
      const intervals = {
        intervalMs,
        retryIntervalMs: ks.spec.retryInterval ? parseDuration(ks.spec.retryInterval) : intervalMs,
        timeoutMs: ks.spec.timeout ? parseDuration(ks.spec.timeout) : intervalMs,
      };
      // Deletion still proceeds under the lockdown: finalizing reads no source.
      const denied = deps.tenancy?.noCrossNamespaceRefs && !base.deleting ? accessDenial(ks) : undefined;
      if (denied) return { ...base, ...intervals, accessDenied: denied };
      const source = await sourceState(deps.kube, ks);
      return {
        ...base,
        ...intervals,
        prune: ks.spec.prune,
        rollbackEnabled: ks.spec.rollback?.enabled === true,
        checksHealth: ks.spec.wait === true || (ks.spec.healthChecks?.length ?? 0) > 0,
        source,
        dependencies: await dependencyState(deps.kube, ks, source.ready ? source.artifact.revision : undefined),
      };
    },
  };
}

import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { createReadyNamespace } from './namespace.js';
import { GitRepositoryKind } from '../../api/gitrepository.js';
import { KustomizationKind } from '../../api/kustomization.js';
import type { KindDescriptor } from '../../api/meta.js';

/** Thin helpers over the real apiserver for tests. */
export class TestCluster {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly objects: KubernetesObjectApi;

  constructor(readonly kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  /** Creates a namespace and waits until Pods can be created in it (its default ServiceAccount exists). */
  async createNamespace(name: string): Promise<void> {
    await createReadyNamespace(this.core, name);
  }

  private gvp(kind: KindDescriptor): { group: string; version: string; plural: string } {
    return { group: kind.group, version: kind.version, plural: kind.plural };
  }

  async createGitRepository(namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
    const body = {
      apiVersion: GitRepositoryKind.apiVersion,
      kind: 'GitRepository',
      metadata: { name, namespace },
      spec,
    };
    await this.custom.createNamespacedCustomObject({ ...this.gvp(GitRepositoryKind), namespace, body });
  }

  /** Creates any served Flux kind from its descriptor. */
  async createFlux(
    kind: KindDescriptor,
    namespace: string,
    name: string,
    spec: Record<string, unknown>
  ): Promise<void> {
    const body = { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, namespace }, spec };
    await this.custom.createNamespacedCustomObject({ ...this.gvp(kind), namespace, body });
  }

  async createKustomization(namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
    const body = {
      apiVersion: KustomizationKind.apiVersion,
      kind: 'Kustomization',
      metadata: { name, namespace },
      spec,
    };
    await this.custom.createNamespacedCustomObject({ ...this.gvp(KustomizationKind), namespace, body });
  }

  async getFlux<T = FluxObject>(kind: KindDescriptor, namespace: string, name: string): Promise<T | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({ ...this.gvp(kind), namespace, name })) as T;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  /** Waits until the Flux object exists and `pred` holds; a timeout reports its status. */
  waitForFlux(
    kind: KindDescriptor,
    namespace: string,
    name: string,
    pred: (o: FluxObject) => boolean,
    timeoutMs = 90_000
  ): Promise<FluxObject> {
    return eventually(
      async () => {
        const o = await this.getFlux(kind, namespace, name);
        return o && pred(o) ? o : undefined;
      },
      async () => JSON.stringify((await this.getFlux(kind, namespace, name))?.status ?? 'absent'),
      timeoutMs
    );
  }

  /** Merge-patches a Flux object's spec or metadata. */
  async patchFlux(kind: KindDescriptor, namespace: string, name: string, body: Record<string, unknown>): Promise<void> {
    const { setHeaderOptions, PatchStrategy } = await import('@kubernetes/client-node');
    await this.custom.patchNamespacedCustomObject(
      { ...this.gvp(kind), namespace, name, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
    );
  }

  async deleteFlux(kind: KindDescriptor, namespace: string, name: string): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({ ...this.gvp(kind), namespace, name });
  }

  /** Reads any object; undefined when absent. */
  async get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string
  ): Promise<KubernetesObject | undefined> {
    try {
      return await this.objects.read({ apiVersion, kind, metadata: { name, namespace } });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }
}

/** What tests read of a Flux object. */
export interface FluxObject {
  metadata: { generation?: number; finalizers?: string[]; annotations?: Record<string, string> };
  status?: {
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    lastHandledReconcileAt?: string;
    artifact?: { revision: string; digest: string; path: string };
    inventory?: { entries: { id: string; v: string }[] };
    history?: {
      digest: string;
      lastReconciledStatus: string;
      totalReconciliations: number;
      metadata?: Record<string, string>;
    }[];
  };
}

export const condition = (
  obj: FluxObject | undefined,
  type: string
): { status: string; reason: string; message: string } | undefined =>
  obj?.status?.conditions?.find((c) => c.type === type);

/**
 * Polls `probe` until it returns a value (not undefined) or the timeout passes; then fails with
 * `describe()` so the failure says what the state was. Used for convergence, not for timing claims.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  describe: () => Promise<string> | string,
  timeoutMs = 60_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; last state: ${await describe()}`);
    await sleep(250);
  }
}

import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { isNotFound } from './errors.js';

/** The Kubernetes clients activities receive from their factory; built once per worker. */
export interface KubeClients {
  config: KubeConfig;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
  custom: CustomObjectsApi;
  /** Lockdown: who tenant calls act as when an object names no ServiceAccount (see kube/impersonation.ts). */
  defaultServiceAccount?: string;
}

/**
 * Loads a kubeconfig: an explicit path, else $KUBECONFIG / ~/.kube/config, else in-cluster.
 * `context` selects a kubeconfig context other than the current one.
 */
export function loadKubeConfig(opts: { kubeconfigPath?: string; context?: string } = {}): KubeConfig {
  const kc = new KubeConfig();
  if (opts.kubeconfigPath) kc.loadFromFile(opts.kubeconfigPath);
  else kc.loadFromDefault();
  if (opts.context) kc.setCurrentContext(opts.context);
  return kc;
}

/** Builds the typed and the generic object API over one kubeconfig. */
export function createKubeClients(config: KubeConfig): KubeClients {
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    objects: KubernetesObjectApi.makeApiClient(config),
    custom: config.makeApiClient(CustomObjectsApi),
  };
}

/** Options of {@link serverSideApply}. */
export interface ApplyOptions {
  fieldManager: string;
  /** Take ownership of fields other managers own (Flux's default for its own objects). */
  force?: boolean;
  /** Server-side dry-run: validate and compute the result without persisting it. */
  dryRun?: boolean;
}

/** Server-side applies one object. The only place the client's positional `patch(…)` call is spelled out. */
export function serverSideApply<T extends KubernetesObject>(
  objects: KubernetesObjectApi,
  obj: T,
  opts: ApplyOptions
): Promise<T> {
  return objects.patch(
    obj,
    undefined,
    opts.dryRun ? 'All' : undefined,
    opts.fieldManager,
    opts.force ?? true,
    PatchStrategy.ServerSideApply
  );
}

/** The live object `obj` names (apiVersion, kind, namespace, name), or undefined when it does not exist. */
export async function readLive(kube: KubeClients, obj: KubernetesObject): Promise<KubernetesObject | undefined> {
  try {
    return await kube.objects.read({
      apiVersion: obj.apiVersion ?? '',
      kind: obj.kind ?? '',
      metadata: { name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace },
    });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

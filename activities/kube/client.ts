import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type RequestContext,
} from '@kubernetes/client-node';
import { withSharedConnections } from './connections.js';
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

/**
 * How long one apiserver request (headers and body) may take. The client's own default is
 * undici's five minutes, so one request the apiserver never answers held an activity until its
 * start-to-close timeout; this makes it a prompt, retryable error naming the request instead.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Raised (as the abort reason) when an apiserver request outlives its timeout. */
export class KubeRequestTimeoutError extends Error {
  override readonly name = 'KubeRequestTimeoutError';
}

/**
 * `config` with a deadline on every request made through API clients built from it. Each request
 * passes through `applySecurityAuthentication`, so that is where the signal is attached; a request
 * that already carries a signal keeps its own. Watches set their own signal and are unaffected.
 */
export function withRequestTimeout(config: KubeConfig, timeoutMs: number): KubeConfig {
  const timed = Object.create(config) as KubeConfig;
  timed.applySecurityAuthentication = async (context: RequestContext): Promise<void> => {
    await config.applySecurityAuthentication(context);
    if (context.getSignal()) return;
    const abort = new AbortController();
    // The error is made only when the deadline passes: an Error captures a stack, which cost
    // measurable CPU when made for every request.
    const expire = (): void => {
      const what = `${context.getHttpMethod()} ${new URL(context.getUrl()).pathname}`;
      abort.abort(new KubeRequestTimeoutError(`kube-apiserver did not answer ${what} within ${timeoutMs} ms`));
    };
    setTimeout(expire, timeoutMs).unref();
    context.setSignal(abort.signal);
  };
  return timed;
}

/**
 * Builds the typed and the generic object API over one kubeconfig; their requests share one
 * connection pool (see {@link withSharedConnections}) and each gives up after `requestTimeoutMs`
 * (see {@link withRequestTimeout}).
 */
export function createKubeClients(config: KubeConfig, opts: { requestTimeoutMs?: number } = {}): KubeClients {
  const timed = withRequestTimeout(withSharedConnections(config), opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  return {
    config,
    core: timed.makeApiClient(CoreV1Api),
    objects: KubernetesObjectApi.makeApiClient(timed),
    custom: timed.makeApiClient(CustomObjectsApi),
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

/**
 * Reading and patching Flux objects for the CLI, with Kubernetes failures turned into the CLI's
 * exit codes: missing object or kind → 3, unreachable API server → 3, refused → 1.
 *
 * @module
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { apiMessage, apiStatus } from '../../activities/kube/errors.js';
import type { KindDescriptor } from '../../api/meta.js';
import type { CliContext } from './context.js';
import { CliError, isNetworkError, unavailableError } from './errors.js';

/** The parts of a Flux object the CLI reads. */
export interface FluxResource {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    creationTimestamp?: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Maps a Kubernetes client failure to a CliError whose message says what to do. */
export function kubeFailure(ctx: CliContext, err: unknown, what: string): CliError {
  if (err instanceof CliError) return err;
  if (isNetworkError(err)) {
    return unavailableError(
      `cannot reach the Kubernetes API server at ${ctx.kubeServer()}: ${apiMessage(err)} (check --kubeconfig, KUBECONFIG, --context)`
    );
  }
  const code = apiStatus(err);
  if (code === 404) return unavailableError(`${what} not found`);
  if (code === 401 || code === 403) return unavailableError(`access to ${what} denied: ${apiMessage(err)}`);
  return new CliError(`${what}: ${apiMessage(err)}`);
}

const coordinates = (kind: KindDescriptor): { group: string; version: string; plural: string } => ({
  group: kind.group,
  version: kind.version,
  plural: kind.plural,
});

/** Reads one object; exit code 3 when it does not exist. */
export async function getFluxObject(
  ctx: CliContext,
  kind: KindDescriptor,
  namespace: string,
  name: string
): Promise<FluxResource> {
  try {
    return (await ctx
      .kube()
      .custom.getNamespacedCustomObject({ ...coordinates(kind), namespace, name })) as FluxResource;
  } catch (err) {
    throw kubeFailure(ctx, err, `${kind.kind} ${namespace}/${name}`);
  }
}

/** Lists a kind in one namespace, or in all when `namespace` is undefined. */
export async function listFluxObjects(
  ctx: CliContext,
  kind: KindDescriptor,
  namespace: string | undefined
): Promise<FluxResource[]> {
  const custom = ctx.kube().custom;
  try {
    const list = (
      namespace === undefined
        ? await custom.listClusterCustomObject(coordinates(kind))
        : await custom.listNamespacedCustomObject({ ...coordinates(kind), namespace })
    ) as { items: FluxResource[] };
    return list.items;
  } catch (err) {
    throw kubeFailure(ctx, err, `kind ${kind.kind} (${kind.apiVersion}; are Ballast's CRDs installed?)`);
  }
}

/** Merge-patches an object (spec and metadata) and returns it as patched. */
export async function patchFluxObject(
  ctx: CliContext,
  kind: KindDescriptor,
  namespace: string,
  name: string,
  body: Record<string, unknown>
): Promise<FluxResource> {
  try {
    return (await ctx
      .kube()
      .custom.patchNamespacedCustomObject(
        { ...coordinates(kind), namespace, name, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
      )) as FluxResource;
  } catch (err) {
    throw kubeFailure(ctx, err, `${kind.kind} ${namespace}/${name}`);
  }
}

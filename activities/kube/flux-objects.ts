import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import { isNotFound } from './errors.js';

/** Where a Flux-kind object lives in the API. */
export interface FluxObjectRef {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

/** The finalizer Flux puts on every kind that has cleanup; Ballast uses the same so Flux tooling recognises it. */
export const FLUX_FINALIZER = 'finalizers.fluxcd.io';

interface ObjectWithMeta {
  metadata?: { resourceVersion?: string; finalizers?: string[]; deletionTimestamp?: unknown; generation?: number };
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Reads the object; undefined when it does not exist. */
export async function readFluxObject<T>(custom: CustomObjectsApi, ref: FluxObjectRef): Promise<T | undefined> {
  try {
    return (await custom.getNamespacedCustomObject(ref)) as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Merge-patches the status subresource; lists (conditions, inventory) are replaced whole, as merge patch does. */
export async function patchFluxStatus(
  custom: CustomObjectsApi,
  ref: FluxObjectRef,
  status: Record<string, unknown>
): Promise<void> {
  await custom.patchNamespacedCustomObjectStatus({ ...ref, body: { status } }, mergePatch);
}

/**
 * Adds (`present`) or removes the Flux finalizer. The patch carries the resourceVersion it read, so
 * a concurrent change makes it fail with 409 (retried) instead of dropping another finalizer.
 */
export async function setFinalizer(
  custom: CustomObjectsApi,
  ref: FluxObjectRef,
  obj: ObjectWithMeta,
  present: boolean
): Promise<void> {
  const current = obj.metadata?.finalizers ?? [];
  const has = current.includes(FLUX_FINALIZER);
  if (has === present) return;
  const finalizers = present ? [...current, FLUX_FINALIZER] : current.filter((f) => f !== FLUX_FINALIZER);
  try {
    await custom.patchNamespacedCustomObject(
      { ...ref, body: { metadata: { finalizers, resourceVersion: obj.metadata?.resourceVersion } } },
      mergePatch
    );
  } catch (err) {
    // Removing the last finalizer of a deleted object may race with its disappearance: that is success.
    if (!present && isNotFound(err)) return;
    throw err;
  }
}

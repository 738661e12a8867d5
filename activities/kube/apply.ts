import type { KubernetesObject } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';
import { readLive, serverSideApply, type KubeClients } from './client.js';
import { apiMessage, apiStatus } from './errors.js';
import { applyOrder, objectId } from './inventory.js';

/** What applying one object did, in Flux's change-set vocabulary. */
export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'skipped';

export interface ChangeSetEntry {
  id: string;
  /** API version applied, recorded in the inventory (`v`). */
  version: string;
  action: ChangeAction;
}

/** Options of {@link applyStaged}; see {@link defaultApplyOptions}. */
export interface ApplyOptions {
  fieldManager: string;
  /** Recreate objects whose immutable fields changed (spec.force). */
  force: boolean;
  /** Parallel requests per stage (Flux: --concurrent-ssa=4). */
  concurrency: number;
  /** How long to wait for CRDs and Namespaces of the first stage to be usable. */
  stageReadyTimeoutMs: number;
}

export const defaultApplyOptions = (fieldManager: string): ApplyOptions => ({
  fieldManager,
  force: false,
  concurrency: 8,
  stageReadyTimeoutMs: 60_000,
});

const ANNOTATION = {
  reconcile: 'kustomize.toolkit.fluxcd.io/reconcile',
  ssa: 'kustomize.toolkit.fluxcd.io/ssa',
  force: 'kustomize.toolkit.fluxcd.io/force',
} as const;

/** An apply failure for one object, carrying the apiserver's message and whether retrying can help. */
export class ApplyError extends Error {
  constructor(
    readonly objectId: string,
    message: string,
    readonly permanent: boolean
  ) {
    super(message);
  }
}

function meta(obj: KubernetesObject): { annotations: Record<string, string>; labels: Record<string, string> } {
  return { annotations: obj.metadata?.annotations ?? {}, labels: obj.metadata?.labels ?? {} };
}

/** `kustomize.toolkit.fluxcd.io/reconcile: disabled` (annotation or label) or `ssa: Ignore` skip an object entirely. */
export function isSkipped(obj: KubernetesObject): boolean {
  const { annotations, labels } = meta(obj);
  const reconcile = (annotations[ANNOTATION.reconcile] ?? labels[ANNOTATION.reconcile] ?? '').toLowerCase();
  return reconcile === 'disabled' || (annotations[ANNOTATION.ssa] ?? '').toLowerCase() === 'ignore';
}

const describe = (obj: KubernetesObject): string =>
  `${obj.kind}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;

function isImmutableError(err: unknown): boolean {
  return apiStatus(err) === 422 && /immutable|may not change|cannot change/i.test(apiMessage(err));
}

/** Applies one object with server-side apply, honouring the per-object Flux annotations. */
async function applyOne(kube: KubeClients, obj: KubernetesObject, opts: ApplyOptions): Promise<ChangeSetEntry> {
  const entry = { id: objectId(obj), version: obj.apiVersion ?? '' };
  if (isSkipped(obj)) return { ...entry, action: 'skipped' };
  const live = await readLive(kube, obj);
  if (live && (meta(obj).annotations[ANNOTATION.ssa] ?? '').toLowerCase() === 'ifnotpresent') {
    return { ...entry, action: 'skipped' };
  }
  try {
    const applied = await serverSideApply(kube.objects, obj, { fieldManager: opts.fieldManager, force: true });
    if (!live) return { ...entry, action: 'created' };
    return {
      ...entry,
      action: applied.metadata?.resourceVersion === live.metadata?.resourceVersion ? 'unchanged' : 'configured',
    };
  } catch (err) {
    const forced = opts.force || meta(obj).annotations[ANNOTATION.force]?.toLowerCase() === 'enabled';
    if (live && forced && isImmutableError(err)) {
      await recreate(kube, obj, opts);
      return { ...entry, action: 'configured' };
    }
    throw toApplyError(obj, err);
  }
}

/** Deletes and re-creates an object whose immutable fields changed (only with force). */
async function recreate(kube: KubeClients, obj: KubernetesObject, opts: ApplyOptions): Promise<void> {
  await kube.objects.delete(obj, undefined, undefined, undefined, undefined, 'Foreground');
  const deadline = Date.now() + opts.stageReadyTimeoutMs;
  while ((await readLive(kube, obj)) && Date.now() < deadline) await sleep(250);
  await serverSideApply(kube.objects, obj, { fieldManager: opts.fieldManager, force: true });
}

function toApplyError(obj: KubernetesObject, err: unknown): ApplyError {
  const code = apiStatus(err);
  const permanent = code === 400 || code === 403 || code === 404 || code === 422;
  return new ApplyError(objectId(obj), `${describe(obj)} apply failed: ${apiMessage(err)}`, permanent);
}

/** Waits until every CRD of the stage is Established and every Namespace is Active, so later stages can use them. */
async function waitStageUsable(kube: KubeClients, objects: KubernetesObject[], timeoutMs: number): Promise<void> {
  const pending = objects.filter((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace');
  const deadline = Date.now() + timeoutMs;
  for (const obj of pending) {
    for (;;) {
      const live = (await readLive(kube, obj)) as {
        status?: { phase?: string; conditions?: { type: string; status: string }[] };
      };
      const ok =
        obj.kind === 'Namespace'
          ? live?.status?.phase === 'Active'
          : live?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      if (ok) break;
      if (Date.now() > deadline)
        throw new ApplyError(objectId(obj), `${describe(obj)} not ready after ${timeoutMs} ms`, false);
      await sleep(200);
    }
  }
}

/**
 * Applies objects in Flux's stages: cluster definitions (CRDs, Namespaces, ClusterRoles) first and
 * waits for them, then `*Class` kinds, then the rest. Idempotent: re-applying the same objects
 * reports them `unchanged`. Throws {@link ApplyError} on the first failing object.
 */
export async function applyStaged(
  kube: KubeClients,
  objects: KubernetesObject[],
  opts: ApplyOptions
): Promise<ChangeSetEntry[]> {
  const limit = pLimit(opts.concurrency);
  const changes: ChangeSetEntry[] = [];
  for (const stage of applyOrder(objects)) {
    changes.push(...(await Promise.all(stage.map((obj) => limit(() => applyOne(kube, obj, opts))))));
    await waitStageUsable(kube, stage, opts.stageReadyTimeoutMs);
  }
  return changes;
}

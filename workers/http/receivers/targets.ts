/**
 * Requests reconciles the way Flux's receiver does: merge-patch `reconcile.fluxcd.io/requestedAt`
 * onto every target. The Ballast controller sees the annotation change and signals the target's
 * workflow, which echoes the value into `status.lastHandledReconcileAt`, so `flux` and `kubectl`
 * users see a webhook-triggered reconcile exactly as they would under Flux.
 *
 * @module
 */
import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { DEFAULT_TARGET_API_VERSIONS, type Receiver, type ReceiverResource } from '../../../api/receiver.js';
import { apiMessage } from '../../../activities/kube/errors.js';
import { REQUESTED_AT_ANNOTATION } from '../../controller/triggers.js';

/** One object a request was made of. */
export interface TargetRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** What {@link requestReconciles} did: the targets annotated and one message per failed resource entry. */
export interface RequestOutcome {
  annotated: TargetRef[];
  errors: string[];
}

/** Dependencies of {@link requestReconciles}; `now` gives the annotation value. */
export interface RequestDeps {
  objects: KubernetesObjectApi;
  fieldManager: string;
  log: Logger;
  now?: () => string;
}

/**
 * Annotates every target of `receiver.spec.resources`. An entry that fails (missing object, no
 * apiVersion for a foreign kind, `*` without matchLabels) is reported and the others still run,
 * as in Flux, which answers 500 when any failed.
 */
export async function requestReconciles(deps: RequestDeps, receiver: Receiver): Promise<RequestOutcome> {
  const outcome: RequestOutcome = { annotated: [], errors: [] };
  const value = (deps.now ?? (() => new Date().toISOString()))();
  for (const resource of receiver.spec.resources) {
    try {
      for (const target of await resolveTargets(deps, resource, receiver.metadata.namespace ?? '')) {
        await annotate(deps, target, value);
        outcome.annotated.push(target);
      }
    } catch (err) {
      outcome.errors.push(`${resource.kind}/${resource.name}: ${apiMessage(err)}`);
    }
  }
  return outcome;
}

/** The objects one `spec.resources` entry names: one by name, or every match of `*` + matchLabels. */
async function resolveTargets(
  deps: RequestDeps,
  res: ReceiverResource,
  defaultNamespace: string
): Promise<TargetRef[]> {
  const namespace = res.namespace ?? defaultNamespace;
  const apiVersion = res.apiVersion ?? DEFAULT_TARGET_API_VERSIONS[res.kind];
  if (!apiVersion) throw new Error(`apiVersion must be specified for kind ${res.kind}`);
  if (res.name !== '*') return [{ apiVersion, kind: res.kind, namespace, name: res.name }];
  if (!res.matchLabels) throw new Error("matchLabels must be set when name is '*'");
  const selector = Object.entries(res.matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const list = await deps.objects.list(
    apiVersion,
    res.kind,
    namespace,
    undefined,
    undefined,
    undefined,
    undefined,
    selector
  );
  if (list.items.length === 0)
    deps.log.info({ kind: res.kind, namespace, selector }, 'no objects match the receiver resource');
  return list.items.map((o: KubernetesObject) => ({
    apiVersion,
    kind: res.kind,
    namespace,
    name: o.metadata?.name ?? '',
  }));
}

async function annotate(deps: RequestDeps, target: TargetRef, value: string): Promise<void> {
  const patch = {
    apiVersion: target.apiVersion,
    kind: target.kind,
    metadata: { name: target.name, namespace: target.namespace, annotations: { [REQUESTED_AT_ANNOTATION]: value } },
  };
  // A merge patch of a missing object fails with 404 rather than creating it, which is what Flux's get-then-patch gives.
  await deps.objects.patch(patch, undefined, undefined, deps.fieldManager, undefined, PatchStrategy.MergePatch);
}

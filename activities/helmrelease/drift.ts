/**
 * Drift of a Helm release: the objects of its stored manifest compared with the cluster by a
 * server-side dry-run apply (what applying the manifest now would change), as helm-controller does.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { removeAtPointer } from '../../api/json-pointer.js';
import type { IgnoreRule } from '../../api/kustomization.js';
import { selects } from '../../api/selector.js';
import { readLive, serverSideApply, type KubeClients } from '../kube/client.js';

/** The field manager Helm 4 applies with under server-side apply. */
export const HELM_FIELD_MANAGER = 'helm';
const OPT_OUT = 'helm.toolkit.fluxcd.io/driftDetection';

/** The release's objects, namespaced into the release namespace where the manifest leaves it open. */
export function manifestObjects(manifest: string, namespace: string): KubernetesObject[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null && typeof o === 'object' && Boolean(o.kind))
    .filter((o) => o.metadata?.annotations?.[OPT_OUT] !== 'disabled')
    .map((o) => ({ ...o, metadata: { namespace, ...o.metadata } }));
}

/** The JSON pointers `spec.driftDetection.ignore` leaves alone on `obj`. */
export function ignoredPaths(rules: IgnoreRule[], obj: KubernetesObject): string[] {
  return rules.filter((r) => r.target === undefined || selects(r.target, obj)).flatMap((r) => r.paths);
}

/** A deep copy without the ignored fields. Through JSON: the client's models carry explicit `undefined` fields. */
function without<T>(o: T, paths: string[]): T {
  const copy = JSON.parse(JSON.stringify(o)) as T;
  for (const p of paths) removeAtPointer(copy, p);
  return copy;
}

/** What the comparison looks at: everything but server-maintained metadata, status and ignored fields. */
function comparable(o: KubernetesObject, ignored: string[]): unknown {
  const plain = without(o, ignored) as KubernetesObject & { status?: unknown };
  const { metadata, ...rest } = plain;
  delete rest.status;
  return { ...rest, labels: metadata?.labels ?? {}, annotations: metadata?.annotations ?? {} };
}

/** Names of the objects that are missing or differ from what applying the manifest would make them. */
export async function detectDrift(
  kube: KubeClients,
  objects: KubernetesObject[],
  ignore: IgnoreRule[] = []
): Promise<string[]> {
  const drifted: string[] = [];
  for (const obj of objects) {
    const name = `${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    const live = await readLive(kube, obj);
    if (!live) {
      drifted.push(`${name} (deleted)`);
      continue;
    }
    const desired = await serverSideApply(kube.objects, obj, {
      fieldManager: HELM_FIELD_MANAGER,
      force: true,
      dryRun: true,
    });
    const ignored = ignoredPaths(ignore, obj);
    if (!isDeepStrictEqual(comparable(desired, ignored), comparable(live, ignored))) drifted.push(name);
  }
  return drifted;
}

/**
 * Re-applies the manifest's objects (server-side, forcing ownership back to Helm's manager).
 * Ignored fields are left out of the apply, so whoever else manages them (an autoscaler, a
 * person) keeps them.
 */
export async function correctDrift(
  kube: KubeClients,
  objects: KubernetesObject[],
  ignore: IgnoreRule[] = []
): Promise<void> {
  for (const obj of objects)
    await serverSideApply(kube.objects, without(obj, ignoredPaths(ignore, obj)), {
      fieldManager: HELM_FIELD_MANAGER,
      force: true,
    });
}

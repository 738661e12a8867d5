import type { KubernetesObject } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import type { InventoryEntry } from '../../api/meta.js';
import { isSkipped } from '../kube/apply.js';
import { readLive, serverSideApply, type KubeClients } from '../kube/client.js';
import { apiMessage, apiStatus } from '../kube/errors.js';
import { objectId, parseObjectId } from '../kube/inventory.js';
import { fieldChanges } from './field-diff.js';
import type { ObjectPreview } from './types.js';

type Json = Record<string, unknown>;

const describe = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ? `${namespace}/` : ''}${name}`;

/** Plain JSON: the client's typed models would make equal objects of different classes compare unequal. */
const plain = (obj: unknown): Json => JSON.parse(JSON.stringify(obj)) as Json;

async function previewOne(kube: KubeClients, obj: KubernetesObject, fieldManager: string): Promise<ObjectPreview> {
  const object = describe(obj.kind ?? '', obj.metadata?.namespace, obj.metadata?.name ?? '');
  const live = await readLive(kube, obj);
  if (!live) return { object, action: 'created' };
  try {
    const next = await serverSideApply(kube.objects, obj, { fieldManager, force: true, dryRun: true });
    const changes = fieldChanges(plain(live), plain(next));
    return changes.length > 0 ? { object, action: 'configured', changes } : { object, action: 'unchanged' };
  } catch (err) {
    const code = apiStatus(err);
    // A refusal is part of the preview; an unreachable or failing apiserver is retried by the activity.
    if (code === undefined || code >= 500) throw err;
    return { object, action: 'refused', message: apiMessage(err) };
  }
}

/**
 * What applying `objects` would do, object by object, found by server-side dry-run as `kube` (the
 * Kustomization's service account when it has one), plus the objects of `inventory` the build no
 * longer has, which prune would delete. Changes nothing.
 */
export async function previewObjects(
  kube: KubeClients,
  objects: KubernetesObject[],
  opts: { fieldManager: string; inventory?: InventoryEntry[] }
): Promise<ObjectPreview[]> {
  const limit = pLimit(8);
  const applied = await Promise.all(
    objects.filter((o) => !isSkipped(o)).map((o) => limit(() => previewOne(kube, o, opts.fieldManager)))
  );
  const kept = new Set(objects.map((o) => objectId(o)));
  const pruned = (opts.inventory ?? [])
    .filter((e) => !kept.has(e.id))
    .map((e): ObjectPreview => {
      const ref = parseObjectId(e.id);
      return { object: describe(ref.kind, ref.namespace, ref.name), action: 'deleted' };
    });
  return [...applied, ...pruned];
}

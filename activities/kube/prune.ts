import type { KubernetesObject } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import type { InventoryEntry } from '../../api/meta.js';
import type { KubeClients } from './client.js';
import { apiMessage, isNotFound } from './errors.js';
import { parseObjectId } from './inventory.js';
import { isSkipped } from './apply.js';

/** Labels that mark an object as applied by one Kustomization; prune never deletes an object without them. */
export interface OwnerLabels {
  [key: string]: string;
}

export interface PruneResult {
  deleted: string[];
  /** Objects left alone because they are not ours or opted out of pruning. */
  kept: string[];
  failed: { id: string; message: string }[];
}

const PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';

/** Turns an inventory entry back into an object header the generic API can address. */
export function entryToObject(entry: InventoryEntry): KubernetesObject {
  const { namespace, name, group, kind } = parseObjectId(entry.id);
  return {
    apiVersion: group ? `${group}/${entry.v}` : entry.v,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
  };
}

function ownedBy(live: KubernetesObject, owner: OwnerLabels): boolean {
  const labels = live.metadata?.labels ?? {};
  return Object.entries(owner).every(([k, v]) => labels[k] === v);
}

/**
 * Deletes the given stale inventory entries (in the order given: namespaced objects before their
 * Namespaces, CRDs last) when they still carry `owner`'s labels and have not opted out with
 * `kustomize.toolkit.fluxcd.io/prune: disabled`. Already-gone objects count as deleted.
 */
export async function deleteStale(
  kube: KubeClients,
  stale: InventoryEntry[],
  owner: OwnerLabels,
  opts: { concurrency: number }
): Promise<PruneResult> {
  const result: PruneResult = { deleted: [], kept: [], failed: [] };
  const limit = pLimit(opts.concurrency);
  await Promise.all(
    stale.map((entry) =>
      limit(async () => {
        const header = entryToObject(entry);
        try {
          const live = await kube.objects.read({
            ...header,
            metadata: { name: header.metadata?.name ?? '', namespace: header.metadata?.namespace },
          });
          const optedOut = (live.metadata?.annotations?.[PRUNE_ANNOTATION] ?? '').toLowerCase() === 'disabled';
          if (!ownedBy(live, owner) || optedOut || isSkipped(live)) {
            result.kept.push(entry.id);
            return;
          }
          await kube.objects.delete(header, undefined, undefined, undefined, undefined, 'Background');
          result.deleted.push(entry.id);
        } catch (err) {
          if (isNotFound(err)) result.deleted.push(entry.id);
          else result.failed.push({ id: entry.id, message: apiMessage(err) });
        }
      })
    )
  );
  return result;
}

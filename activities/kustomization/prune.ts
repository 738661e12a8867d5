import { ApplicationFailure } from '@temporalio/activity';
import type { Inventory } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import { isSkipped } from '../kube/apply.js';
import { patchFluxStatus, readFluxObject } from '../kube/flux-objects.js';
import { inventoryDigest, inventoryOf, staleEntries } from '../kube/inventory.js';
import { deleteStale } from '../kube/prune.js';
import { classifyBuildError } from './build.js';
import { kustomizationRef } from './load.js';
import { materialize, ownerLabels, type MaterializeDeps } from './materialize.js';
import { clientsFor } from '../kube/impersonation.js';
import type { PruneInput, PruneResult } from './types.js';

/** Activities that garbage-collect and record the inventory. */
export interface PruneActivities {
  /**
   * Computes the new inventory from the build, deletes objects that left it (when `prune`), and
   * writes `status.inventory`. On deletion failures the survivors stay in the inventory and the
   * activity fails non-retryably with reason PruneFailed.
   */
  pruneKustomization(input: PruneInput): Promise<PruneResult>;
}

export function createPruneActivities(deps: MaterializeDeps): PruneActivities {
  return {
    async pruneKustomization(input) {
      const built = await materialize(deps, input).catch((err: unknown) => {
        throw classifyBuildError(err);
      });
      const ref = kustomizationRef(input.ref);
      const current = await readFluxObject<{ status?: { inventory?: Inventory } }>(deps.kube.custom, ref);
      const previous: Inventory = current?.status?.inventory ?? { entries: [] };
      const next = inventoryOf(built.objects.filter((o) => !isSkipped(o)));
      const stale = staleEntries(previous, next);
      let failedIds: string[] = [];
      let deleted = 0;
      let failure = '';
      if (input.prune && stale.length > 0) {
        const tenant = clientsFor(deps.kube, input.ref.namespace, built.spec.serviceAccountName);
        const result = await deleteStale(tenant, stale, ownerLabels(input.ref), { concurrency: 8 });
        deleted = result.deleted.length;
        failedIds = result.failed.map((f) => f.id);
        failure = result.failed
          .slice(0, 3)
          .map((f) => `${f.id}: ${f.message}`)
          .join('; ');
      }
      const survivors = stale.filter((e) => failedIds.includes(e.id));
      const inventory: Inventory = { entries: [...next.entries, ...survivors] };
      // A reconcile that changed nothing (every interval's resync) leaves the inventory as it was.
      if (inventoryDigest(previous) !== inventoryDigest(inventory))
        await patchFluxStatus(deps.kube.custom, ref, { inventory });
      if (failedIds.length > 0) throw ApplicationFailure.nonRetryable(`prune failed: ${failure}`, Reason.PruneFailed);
      return { deleted, inventory: inventory.entries.length };
    },
  };
}

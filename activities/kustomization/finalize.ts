import { type Kustomization } from '../../api/kustomization.js';
import type { Inventory } from '../../api/meta.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject, setFinalizer } from '../kube/flux-objects.js';
import { clientsFor } from '../kube/impersonation.js';
import { deleteStale } from '../kube/prune.js';
import { kustomizationRef } from './load.js';
import { ownerLabels } from './materialize.js';
import type { KustomizationRef } from './types.js';

/** Activities that clean up after a deleted Kustomization. */
export interface FinalizeActivities {
  /**
   * Deletes the inventory's objects when the deletion policy says so (MirrorPrune with prune,
   * Delete, WaitForTermination) and the object is not suspended, then removes the finalizer.
   */
  finalizeKustomization(ref: KustomizationRef): Promise<{ deleted: number }>;
}

/** Whether deleting the Kustomization deletes what it applied (Flux's finalizerShouldDeleteResources). */
export function deletesResources(ks: Pick<Kustomization, 'spec'>): boolean {
  if (ks.spec.suspend) return false;
  switch (ks.spec.deletionPolicy ?? 'MirrorPrune') {
    case 'MirrorPrune':
      return ks.spec.prune;
    case 'Delete':
    case 'WaitForTermination':
      return true;
    default:
      return false;
  }
}

export function createFinalizeActivities(deps: { kube: KubeClients }): FinalizeActivities {
  return {
    async finalizeKustomization(ref) {
      const fluxRef = kustomizationRef(ref);
      const ks = await readFluxObject<Kustomization & { status?: { inventory?: Inventory } }>(
        deps.kube.custom,
        fluxRef
      );
      if (!ks) return { deleted: 0 };
      let deleted = 0;
      const entries = ks.status?.inventory?.entries ?? [];
      if (deletesResources(ks) && entries.length > 0) {
        const tenant = clientsFor(deps.kube, ref.namespace, ks.spec.serviceAccountName);
        const result = await deleteStale(tenant, entries, ownerLabels(ref), { concurrency: 8 });
        if (result.failed.length > 0)
          throw new Error(`finalize: ${result.failed.map((f) => `${f.id}: ${f.message}`).join('; ')}`);
        deleted = result.deleted.length;
      }
      await setFinalizer(deps.kube.custom, fluxRef, ks, false);
      return { deleted };
    },
  };
}

import type { V1ConfigMap } from '@kubernetes/client-node';
import { serverSideApply, type KubeClients } from './client.js';

/** Input of {@link ConfigMapActivities.mirrorConfigMap}: copy `from` into `to`, both in `namespace`. */
export interface MirrorConfigMapInput {
  namespace: string;
  from: string;
  to: string;
}

/** Result: how many keys were copied and the resourceVersion the target ended at. */
export interface MirrorConfigMapResult {
  keys: number;
  resourceVersion: string;
}

/** Activities over ConfigMaps. */
export interface ConfigMapActivities {
  mirrorConfigMap(input: MirrorConfigMapInput): Promise<MirrorConfigMapResult>;
}

/**
 * The foundation's vertical slice: reads one ConfigMap and server-side applies a copy of its data
 * under another name. Idempotent: a retried call re-applies the same content.
 */
export function createConfigMapActivities(deps: { kube: KubeClients; fieldManager: string }): ConfigMapActivities {
  return {
    async mirrorConfigMap(input: MirrorConfigMapInput): Promise<MirrorConfigMapResult> {
      const source = await deps.kube.core.readNamespacedConfigMap({ name: input.from, namespace: input.namespace });
      const data = source.data ?? {};
      const applied = await serverSideApply<V1ConfigMap>(
        deps.kube.objects,
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: input.to,
            namespace: input.namespace,
            labels: { 'app.kubernetes.io/managed-by': 'ballast' },
          },
          data,
        },
        { fieldManager: deps.fieldManager }
      );
      return { keys: Object.keys(data).length, resourceVersion: applied.metadata?.resourceVersion ?? '' };
    },
  };
}

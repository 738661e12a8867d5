/** Creates the benchmark's objects in one namespace, all at once. */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import type { ObjectToCreate } from './sources.js';

/** Creates every object at once (bounded, so 1000 creates do not open 1000 sockets). */
export async function createAll(
  kc: KubeConfig,
  ns: string,
  objects: ObjectToCreate[],
  requests: { n: number }
): Promise<void> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const limit = pLimit(32);
  await Promise.all(
    objects.map((o) =>
      limit(() => {
        requests.n++;
        return custom.createNamespacedCustomObject({
          group: o.kind.group,
          version: o.kind.version,
          plural: o.kind.plural,
          namespace: ns,
          body: {
            apiVersion: o.kind.apiVersion,
            kind: o.kind.kind,
            metadata: { name: o.name, namespace: ns },
            spec: o.spec,
          },
        });
      })
    )
  );
}

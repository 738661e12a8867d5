/** Removes what a benchmark run created in the cluster, then stops the controllers (Ballast's or Flux's). */
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KindDescriptor } from '../api/meta.js';
import type { ListedObject } from './wait-ready.js';

/**
 * Deletes the namespaces while Ballast still runs (its finalizers need it to prune and release),
 * waits up to two minutes for them to go, then strips the finalizers of what is left (Ballast will
 * not be there to remove them) and stops Ballast.
 */
export async function cleanup(
  kc: KubeConfig,
  namespaces: string[],
  kinds: KindDescriptor[],
  ballast: { stop(): Promise<void> }[],
  log: (line: string) => void
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  const exists = (name: string): Promise<boolean> =>
    core.readNamespace({ name }).then(
      () => true,
      () => false
    );
  const deadline = Date.now() + 120_000;
  let left = namespaces;
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(1000);
    left = (await Promise.all(namespaces.map(async (n) => ((await exists(n)) ? [n] : [])))).flat();
  }
  if (left.length > 0) {
    log(`bench: namespaces ${left.join(', ')} still terminating; removing the finalizers left in them`);
    await Promise.all(left.map((ns) => dropFinalizers(kc, ns, kinds)));
  }
  await Promise.all(ballast.map((p) => p.stop()));
}

async function dropFinalizers(kc: KubeConfig, namespace: string, kinds: KindDescriptor[]): Promise<void> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (const { group, version, plural } of kinds) {
    const list = (await custom.listNamespacedCustomObject({ group, version, plural, namespace })) as {
      items: ListedObject[];
    };
    for (const o of list.items)
      await custom
        .patchNamespacedCustomObject(
          { group, version, plural, namespace, name: o.metadata.name, body: { metadata: { finalizers: null } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
        )
        .catch(() => undefined);
  }
}

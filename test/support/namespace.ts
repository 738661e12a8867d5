import type { CoreV1Api } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Creates a namespace and waits for its `default` ServiceAccount: Pods (and so Deployments and
 * helm test hooks) are refused until kube-controller-manager has created it, and a ReplicaSet
 * that hits that refusal backs off for longer each time.
 */
export async function createReadyNamespace(core: CoreV1Api, name: string, timeoutMs = 30_000): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await core.readNamespacedServiceAccount({ namespace: name, name: 'default' });
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`namespace ${name}: no default ServiceAccount after ${timeoutMs} ms: ${String(err)}`);
      await sleep(50);
    }
  }
}

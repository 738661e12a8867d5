import type { CoreV1Api } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long kube-controller-manager gets to create the ServiceAccount before the test does it. */
const CONTROLLER_GRACE_MS = 5_000;

/**
 * Creates a namespace and waits for its `default` ServiceAccount: Pods (and so Deployments and
 * helm test hooks) are refused until it exists, and a ReplicaSet that hits that refusal backs off
 * for longer each time. kube-controller-manager normally creates it within milliseconds; right
 * after a kube-apiserver restart (the fault-injection suite) its watches may take a minute to
 * recover, so past a short grace the test creates the same object itself (a conflict is fine).
 */
export async function createReadyNamespace(core: CoreV1Api, name: string, timeoutMs = 30_000): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } });
  const started = Date.now();
  let created = false;
  for (;;) {
    try {
      await core.readNamespacedServiceAccount({ namespace: name, name: 'default' });
      return;
    } catch (err) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`namespace ${name}: no default ServiceAccount after ${timeoutMs} ms: ${String(err)}`);
      if (!created && Date.now() - started > CONTROLLER_GRACE_MS) {
        created = true;
        await core
          .createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: 'default' } } })
          .catch(() => undefined);
      }
      await sleep(50);
    }
  }
}

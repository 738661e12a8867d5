import type { KubeClients } from './client.js';
import { isNotFound } from './errors.js';

/**
 * A Secret's data, base64-decoded; undefined when the Secret does not exist. The values stay in
 * the calling activity: never return them to a workflow or log them.
 */
export async function readSecretStrings(
  kube: KubeClients,
  namespace: string,
  name: string
): Promise<Record<string, string> | undefined> {
  try {
    const data = (await kube.core.readNamespacedSecret({ namespace, name })).data ?? {};
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

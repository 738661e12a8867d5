import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClients, type KubeClients } from './client.js';

const cache = new Map<string, KubeClients>();

/** The username Kubernetes gives a ServiceAccount, which impersonation names. */
export const serviceAccountUser = (namespace: string, name: string): string =>
  `system:serviceaccount:${namespace}:${name}`;

/**
 * Clients that act as `user` (Impersonate-User), for the calls Flux makes as the object's
 * `spec.serviceAccountName`: apply, prune and health checks. The apiserver adds a ServiceAccount's
 * groups itself, so its RBAC applies exactly. Cached per user for the life of the worker.
 */
export function impersonating(base: KubeClients, user: string | undefined): KubeClients {
  if (!user) return base;
  const hit = cache.get(user);
  if (hit) return hit;
  const kc = new KubeConfig();
  kc.loadFromString(base.config.exportConfig());
  const current = kc.getCurrentUser();
  if (!current) throw new Error('kubeconfig has no current user to impersonate from');
  kc.users = kc.users.map((u) => (u.name === current.name ? { ...u, impersonateUser: user } : u));
  const clients = createKubeClients(kc);
  cache.set(user, clients);
  return clients;
}

/** Clients for a Flux object's `spec.serviceAccountName` in `namespace`, or the controller's own. */
export function clientsFor(base: KubeClients, namespace: string, serviceAccountName: string | undefined): KubeClients {
  return impersonating(base, serviceAccountName ? serviceAccountUser(namespace, serviceAccountName) : undefined);
}

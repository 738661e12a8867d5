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

/**
 * The user a Flux object's tenant calls act as: its `spec.serviceAccountName`, else the worker's
 * default ServiceAccount (Flux's `--default-service-account`), both in the object's namespace;
 * undefined (the controller itself) when neither is set.
 */
export function tenantUser(
  base: KubeClients,
  namespace: string,
  serviceAccountName: string | undefined
): string | undefined {
  const name = serviceAccountName || base.defaultServiceAccount;
  return name ? serviceAccountUser(namespace, name) : undefined;
}

/** Clients for a Flux object's tenant calls in `namespace` (see {@link tenantUser}). */
export function clientsFor(base: KubeClients, namespace: string, serviceAccountName: string | undefined): KubeClients {
  return impersonating(base, tenantUser(base, namespace, serviceAccountName));
}

/** The controller's clients with the lockdown's default ServiceAccount for objects that name none. */
export function withDefaultServiceAccount(base: KubeClients, name: string | undefined): KubeClients {
  return name ? { ...base, defaultServiceAccount: name } : base;
}

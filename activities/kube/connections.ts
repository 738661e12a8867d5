import { statSync } from 'node:fs';
import type { KubeConfig, RequestContext } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';

/**
 * `config` whose API clients share one connection pool. @kubernetes/client-node builds a new undici
 * Agent for every request (KubeConfig.applySecurityAuthentication), so each request paid a TCP
 * connect and a TLS handshake with a client certificate, and left its idle socket behind: about
 * half the worker's CPU in the benchmark (#9). Here the first Agent made for a given set of TLS
 * credentials serves every later request; when a credential changes (a rotated certificate file,
 * a new kubeconfig user), a new Agent takes over and the old one closes once its requests finish.
 */
export function withSharedConnections(config: KubeConfig): KubeConfig {
  const shared = Object.create(config) as KubeConfig;
  let pool: { key: string; dispatcher: Dispatcher } | undefined;
  shared.applySecurityAuthentication = async (context: RequestContext): Promise<void> => {
    // Keyed before the files are read: a rotation landing in between then makes the next request
    // switch, where a key taken after would pin the old certificate under the new file's mtime.
    const key = credentialsKey(config);
    await config.applySecurityAuthentication(context);
    const made = context.getDispatcher();
    // No TLS options: the client leaves the request on undici's global, already pooled, dispatcher.
    if (!made) return;
    if (pool?.key !== key) {
      const old = pool?.dispatcher;
      pool = { key, dispatcher: made };
      void old?.close().catch(() => undefined);
      return;
    }
    // The fresh Agent never connected: it holds no socket and is simply dropped. Closing it made
    // undici build a ClientDestroyedError per request, which the worker's CPU profile showed.
    context.setDispatcher(pool.dispatcher);
  };
  return shared;
}

/** What the TLS credentials of `config`'s current cluster and user are: inline data, or a file and its mtime. */
function credentialsKey(config: KubeConfig): string {
  const cluster = config.getCurrentCluster();
  const user = config.getCurrentUser();
  const file = (p: string | undefined): string | undefined => {
    if (!p) return undefined;
    try {
      return `${p}@${statSync(p).mtimeMs}`;
    } catch {
      return p;
    }
  };
  return JSON.stringify([
    cluster?.name,
    cluster?.server,
    cluster?.caData ?? file(cluster?.caFile),
    cluster?.skipTLSVerify,
    cluster?.tlsServerName,
    user?.name,
    user?.certData ?? file(user?.certFile),
    user?.keyData ?? file(user?.keyFile),
  ]);
}

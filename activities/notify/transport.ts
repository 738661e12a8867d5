/**
 * TLS and proxy settings of a Provider (`certSecretRef`, `proxySecretRef`, the deprecated
 * `spec.proxy` and Secret key `proxy`) as an undici dispatcher for {@link ProviderHttp}.
 *
 * @module
 */
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

/** PEM material from a `certSecretRef` Secret. */
export interface TlsMaterial {
  /** `ca.crt` (legacy `caFile`): trust these CAs instead of the system's. */
  ca?: string;
  /** `tls.crt` (legacy `certFile`): client certificate for mutual TLS. */
  cert?: string;
  /** `tls.key` (legacy `keyFile`): its private key. */
  key?: string;
}

/** A proxy from `proxySecretRef` (`address`, `username`, `password`) or `spec.proxy`. */
export interface ProxySettings {
  url: string;
  username?: string;
  password?: string;
}

/** Reads TLS material from a Secret's data; undefined keys are simply absent. */
export function tlsFromSecret(data: Record<string, string>): TlsMaterial {
  return {
    ca: data['ca.crt'] ?? data.caFile,
    cert: data['tls.crt'] ?? data.certFile,
    key: data['tls.key'] ?? data.keyFile,
  };
}

/**
 * A dispatcher for the settings, or undefined for undici's default. The caller closes it after
 * the delivery.
 */
export function buildDispatcher(
  tls: TlsMaterial | undefined,
  proxy: ProxySettings | undefined
): Dispatcher | undefined {
  const connect = tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : undefined;
  if (proxy) {
    const token =
      proxy.username !== undefined
        ? `Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}`
        : undefined;
    return new ProxyAgent({ uri: proxy.url, token, requestTls: connect });
  }
  return connect ? new Agent({ connect }) : undefined;
}

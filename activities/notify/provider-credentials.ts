/**
 * Reads what a Provider's Secrets hold, at send time, inside the delivery activity: the address,
 * token, basic auth and extra headers of `secretRef`, TLS material of `certSecretRef` and the
 * proxy of `proxySecretRef`. Nothing read here is returned to the workflow or logged; every value
 * is listed in `secretValues` so error messages can be masked of it.
 *
 * @module
 */
import { ApplicationFailure } from '@temporalio/activity';
import { parse as parseYaml } from 'yaml';
import type { Provider } from '../../api/provider.js';
import { isCommitStatusProvider } from '../../api/provider.js';
import { Reason } from '../../api/reasons.js';
import type { KubeClients } from '../kube/client.js';
import { readSecretStrings } from '../kube/secrets.js';
import { invalidConfig } from './config-errors.js';
import { tlsFromSecret, type ProxySettings, type TlsMaterial } from './transport.js';

/** Flux's limit on a Secret's `address`. */
const MAX_ADDRESS = 2048;

/** The Provider's credentials and transport settings. */
export interface ProviderCredentials {
  address: string;
  token?: string;
  username?: string;
  password?: string;
  headers: Record<string, string>;
  tls?: TlsMaterial;
  proxy?: ProxySettings;
  /** Every value read from a Secret, for masking. */
  secretValues: string[];
}

/** Reads the Provider's Secrets; see the module comment. */
export async function readProviderCredentials(kube: KubeClients, provider: Provider): Promise<ProviderCredentials> {
  const { spec } = provider;
  const ref = { namespace: provider.metadata.namespace ?? '', name: provider.metadata.name };
  const secretValues: string[] = [];
  const read = async (name: string): Promise<Record<string, string>> => {
    const data = await readSecretStrings(kube, ref.namespace, name);
    if (!data) {
      // Retried: the Secret may be created after the Provider; the event's retention bounds the wait.
      throw ApplicationFailure.retryable(
        `Provider ${ref.namespace}/${ref.name}: secret '${ref.namespace}/${name}' not found`,
        Reason.InvalidConfig
      );
    }
    secretValues.push(...Object.values(data));
    return data;
  };
  const creds: ProviderCredentials = { address: spec.address ?? '', headers: {}, secretValues };
  let proxy: ProxySettings | undefined = spec.proxy ? { url: spec.proxy } : undefined;
  const main = spec.secretRef ? await read(spec.secretRef.name) : undefined;
  if (main) {
    if (main.address !== undefined) {
      if (main.address.length > MAX_ADDRESS)
        throw invalidConfig(ref, `the Secret's "address" exceeds ${MAX_ADDRESS} bytes`);
      creds.address = main.address.trim();
      secretValues.push(...addressParts(creds.address));
    }
    if (main.token !== undefined) creds.token = main.token.trim();
    if (main.username !== undefined) creds.username = main.username;
    if (main.password !== undefined) creds.password = main.password;
    if (main.headers !== undefined) creds.headers = parseHeaders(ref, main.headers);
    if (main.proxy !== undefined) proxy = { url: main.proxy.trim() };
  }
  if (spec.proxySecretRef) {
    const data = await read(spec.proxySecretRef.name);
    if (!data.address) throw invalidConfig(ref, `proxy Secret '${spec.proxySecretRef.name}' has no "address" key`);
    proxy = { url: data.address.trim(), username: data.username, password: data.password };
  }
  if (spec.certSecretRef) creds.tls = tlsFromSecret(await read(spec.certSecretRef.name));
  else if (main && isCommitStatusProvider(spec.type) && (main['ca.crt'] || main['tls.crt']))
    creds.tls = tlsFromSecret(main);
  if (proxy) creds.proxy = checkProxy(ref, proxy);
  return creds;
}

/**
 * The parts of a secret address a server may echo on their own: a webhook's path and query carry
 * its credential (Slack, Discord, Teams), and so does a password in the URL.
 */
function addressParts(address: string): string[] {
  try {
    const url = new URL(address);
    return [`${url.pathname}${url.search}`, url.pathname, url.search.slice(1), decodeURIComponent(url.password)].filter(
      (p) => p.length > 1
    );
  } catch {
    return [];
  }
}

function parseHeaders(ref: { namespace: string; name: string }, text: string): Record<string, string> {
  const bad = invalidConfig(ref, 'the Secret\'s "headers" key must be a YAML map of header names to values');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    throw bad;
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function checkProxy(ref: { namespace: string; name: string }, proxy: ProxySettings): ProxySettings {
  try {
    const url = new URL(proxy.url);
    if (url.protocol === 'http:' || url.protocol === 'https:') return proxy;
  } catch {
    // reported below
  }
  throw invalidConfig(ref, 'the proxy address must be an http:// or https:// URL');
}

/**
 * Which hosts a source may be fetched from. A GitRepository or HelmRepository URL is written by
 * whoever may create Flux objects, and the worker fetches it from inside the cluster network: a URL
 * naming the cloud metadata service (169.254.169.254, `metadata.google.internal`, fd00:ec2::254)
 * would hand that person the node's cloud credentials, in the error message or in the artifact.
 * So by default every source fetcher refuses link-local addresses (169.254.0.0/16, fe80::/10), the
 * AWS IPv6 metadata address and the metadata host names, also when a name only *resolves* to one
 * of them. Loopback and private ranges stay allowed: on-premises servers and tests live there.
 * `BALLAST_ALLOW_LINK_LOCAL_SOURCES=true` lifts the refusal.
 *
 * The name is resolved here and again by the fetcher when it connects, so a DNS server that
 * changes its answer in between (rebinding) is not stopped; NetworkPolicies are the complete guard.
 *
 * @module
 */
import { ApplicationFailure } from '@temporalio/activity';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Reason } from '../../api/reasons.js';

/** The variable that lifts the policy (see workers/config.ts). */
export const ALLOW_LINK_LOCAL_ENV = 'BALLAST_ALLOW_LINK_LOCAL_SOURCES';

/** Host names that are the metadata service on the major clouds, whatever they resolve to. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal']);

const REFUSED = new BlockList();
REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
REFUSED.addSubnet('fe80::', 10, 'ipv6');
REFUSED.addAddress('fd00:ec2::254', 'ipv6');

/** The URL names (or resolves to) a host the policy refuses. */
export class SourceUrlPolicyError extends Error {
  override readonly name = 'SourceUrlPolicyError';
}

/** Settings of {@link assertSourceUrlAllowed}. */
export interface SourceUrlPolicy {
  /** Accept link-local and metadata hosts (`BALLAST_ALLOW_LINK_LOCAL_SOURCES`). */
  allowLinkLocal?: boolean;
  /** Name resolution; tests replace it. Default: the system resolver (what git and fetch use). */
  resolve?: (host: string) => Promise<string[]>;
}

/**
 * Whether `address` (IPv4 or IPv6 text) is link-local or a metadata address. IPv4-mapped IPv6
 * (`::ffff:169.254.169.254`) counts as its IPv4 address.
 */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return REFUSED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The host of a source URL: `https://h/…`, `ssh://u@h:22/…`, `oci://h/…`, or scp-like `u@h:path`.
 * IPv6 brackets are removed and a trailing dot dropped. Undefined when there is none (`file://`).
 */
export function sourceUrlHost(raw: string): string | undefined {
  if (/^file:/i.test(raw)) return undefined;
  const scp = /^[^/@:]+@(\[[^\]]+\]|[^:/]+):/.exec(raw);
  let host: string;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw) && scp) host = scp[1] ?? '';
  else {
    try {
      // http: makes the WHATWG parser normalise numeric IPv4 forms (0xa9fea9fe, 2852039166) for any scheme.
      host = new URL(raw.replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, 'http:')).hostname;
    } catch {
      return undefined;
    }
  }
  host = host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  return host === '' ? undefined : host;
}

/**
 * Refuses a source URL whose host is, or resolves to, a link-local or metadata address, unless
 * the policy allows it. A name that does not resolve passes: the fetcher then reports why it
 * cannot connect, as for any other unreachable host.
 *
 * @throws SourceUrlPolicyError naming the host, the address and the variable that lifts the policy.
 */
export async function assertSourceUrlAllowed(url: string, policy: SourceUrlPolicy = {}): Promise<void> {
  if (policy.allowLinkLocal) return;
  const host = sourceUrlHost(url);
  if (host === undefined) return;
  if (METADATA_HOSTS.has(host)) throw refusal(host, 'is a cloud metadata service name');
  if (isIP(host) !== 0) {
    if (isRefusedAddress(host)) throw refusal(host, 'is a link-local or cloud metadata address');
    return;
  }
  const addresses = await (policy.resolve ?? resolveAll)(host).catch(() => []);
  const bad = addresses.find(isRefusedAddress);
  if (bad) throw refusal(host, `resolves to ${bad}, a link-local or cloud metadata address`);
}

/**
 * {@link assertSourceUrlAllowed} for a fetcher: a refusal becomes a non-retryable failure with
 * reason URLInvalid, which the source workflow reports as Ready=False and Stalled.
 */
export async function refuseDisallowedSource(url: string, policy: SourceUrlPolicy): Promise<void> {
  try {
    await assertSourceUrlAllowed(url, policy);
  } catch (err) {
    throw err instanceof SourceUrlPolicyError ? ApplicationFailure.nonRetryable(err.message, Reason.URLInvalid) : err;
  }
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

function refusal(host: string, why: string): SourceUrlPolicyError {
  return new SourceUrlPolicyError(
    `source host '${host}' ${why}; Ballast refuses such sources so that a Flux object cannot read ` +
      `the node's cloud credentials. Set ${ALLOW_LINK_LOCAL_ENV}=true on the workers to allow it`
  );
}

import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { Reason } from '../../api/reasons.js';
import type { KubeClients } from '../kube/client.js';
import { readSecretStrings } from '../kube/secrets.js';
import { SourceLimitError, type SourceLimits } from './source-limits.js';
import { refuseDisallowedSource } from './url-policy.js';

/** HTTP Basic credentials from a source's `secretRef` (`username`, `password`). */
export interface BasicAuth {
  username: string;
  password: string;
}

/** Reads `username`/`password` from the Secret; undefined without a secretRef. The values stay in this process. */
export async function readBasicAuth(
  kube: KubeClients,
  namespace: string,
  name: string | undefined
): Promise<BasicAuth | undefined> {
  if (!name) return undefined;
  const data = await readSecretStrings(kube, namespace, name);
  if (!data)
    throw ApplicationFailure.nonRetryable(`secret '${namespace}/${name}' not found`, Reason.AuthenticationFailed);
  return { username: data.username ?? '', password: data.password ?? '' };
}

/** URL without credentials or query, safe for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Redirects followed at most, as browsers and Go's http client do. */
const MAX_REDIRECTS = 10;

/** Options of {@link download}. */
export interface DownloadOptions {
  auth?: BasicAuth;
  timeoutMs: number;
  signal?: AbortSignal;
  notFoundReason: string;
  /** The body may be at most `maxFileBytes`; the message names the variable that raises it. */
  limits: SourceLimits;
  /** url-policy.ts: refuse link-local and metadata hosts, on every redirect too. */
  allowLinkLocal?: boolean;
}

/**
 * GETs `url` and returns its body. Refusals a retry cannot fix (401/403 → AuthenticationFailed,
 * 404 → `notFoundReason`, a refused host → URLInvalid, a body over the limit) are non-retryable;
 * network errors and 5xx are thrown for the retry policy. Redirects are followed by hand so each
 * hop's host passes the URL policy, and credentials go only to the first URL's origin.
 */
export async function download(url: string, opts: DownloadOptions): Promise<{ body: Buffer; sha256: string }> {
  const signal = opts.signal
    ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)])
    : AbortSignal.timeout(opts.timeoutMs);
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    await refuseDisallowedSource(current, { allowLinkLocal: opts.allowLinkLocal });
    const headers: Record<string, string> = {};
    if (opts.auth && new URL(current).origin === origin)
      headers.authorization = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
    const where = redactUrl(current);
    const res = await fetch(current, { headers, signal, redirect: 'manual' }).catch((err: unknown) => {
      throw unreachable(where, err);
    });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    return readBody(res, where, opts);
  }
  throw ApplicationFailure.nonRetryable(`GET ${redactUrl(url)}: more than ${MAX_REDIRECTS} redirects`, Reason.Failed);
}

async function readBody(
  res: Response,
  where: string,
  opts: DownloadOptions
): Promise<{ body: Buffer; sha256: string }> {
  if (res.status === 401 || res.status === 403) {
    throw ApplicationFailure.nonRetryable(
      `GET ${where}: HTTP ${res.status}: check the credentials in secretRef`,
      Reason.AuthenticationFailed
    );
  }
  if (res.status === 404)
    throw ApplicationFailure.nonRetryable(`GET ${where}: HTTP 404 not found`, opts.notFoundReason);
  if (!res.ok) throw new Error(`GET ${where}: HTTP ${res.status}`);
  const max = opts.limits.maxFileBytes;
  const tooBig = (): never => {
    throw ApplicationFailure.nonRetryable(
      new SourceLimitError(`the body of GET ${where}`, 'maxFileBytes', max).message,
      opts.notFoundReason
    );
  };
  if (Number(res.headers.get('content-length') ?? 0) > max) {
    await res.body?.cancel();
    tooBig();
  }
  // Counted while streaming: a server that lies about (or omits) Content-Length is cut off at the limit.
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) tooBig();
    chunks.push(Buffer.from(chunk));
  }
  const body = Buffer.concat(chunks);
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}

/**
 * fetch rejects with a bare "fetch failed" and hides why in `cause`; the message a person needs is
 * there (ECONNREFUSED, ENOTFOUND, a TLS error). Stays retryable: the host may come back.
 */
function unreachable(where: string, err: unknown): Error {
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return err.name === 'TimeoutError' ? new Error(`GET ${where}: timed out`) : err;
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.message ?? cause?.code ?? (err as Error).message;
  return new Error(`GET ${where}: cannot connect: ${why}`);
}

import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { Reason } from '../../api/reasons.js';
import type { KubeClients } from '../kube/client.js';
import { readSecretStrings } from '../kube/secrets.js';

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

/**
 * GETs `url` and returns its body. Refusals a retry cannot fix (401/403 → AuthenticationFailed,
 * 404 → `notFoundReason`) are non-retryable; network errors and 5xx are thrown for the retry policy.
 */
export async function download(
  url: string,
  opts: { auth?: BasicAuth; timeoutMs: number; signal?: AbortSignal; notFoundReason: string; maxBytes: number }
): Promise<{ body: Buffer; sha256: string }> {
  const headers: Record<string, string> = {};
  if (opts.auth)
    headers.authorization = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
  const signal = opts.signal
    ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)])
    : AbortSignal.timeout(opts.timeoutMs);
  const where = redactUrl(url);
  const res = await fetch(url, { headers, signal, redirect: 'follow' }).catch((err: unknown) => {
    throw unreachable(where, err);
  });
  if (res.status === 401 || res.status === 403) {
    throw ApplicationFailure.nonRetryable(
      `GET ${where}: HTTP ${res.status}: check the credentials in secretRef`,
      Reason.AuthenticationFailed
    );
  }
  if (res.status === 404)
    throw ApplicationFailure.nonRetryable(`GET ${where}: HTTP 404 not found`, opts.notFoundReason);
  if (!res.ok) throw new Error(`GET ${where}: HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > opts.maxBytes)
    throw ApplicationFailure.nonRetryable(
      `GET ${where}: ${length} bytes exceeds the ${opts.maxBytes} byte limit`,
      opts.notFoundReason
    );
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > opts.maxBytes)
    throw ApplicationFailure.nonRetryable(
      `GET ${where}: body exceeds the ${opts.maxBytes} byte limit`,
      opts.notFoundReason
    );
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

/**
 * Webhook authentication checks, each in constant time so a caller cannot learn a token or a
 * signature byte by byte from response times. Pure functions over the raw body bytes: a
 * signature covers the bytes the sender sent, never a re-serialised JSON.
 *
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The outcome of a check: a short reason on failure, safe to return to the caller. */
export type Check = { ok: true } | { ok: false; message: string };

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Algorithms GitHub-style `<algorithm>=<hex>` signatures may name (go-github's set). */
const SIGNATURE_ALGORITHMS = new Set(['sha1', 'sha256', 'sha512']);

/**
 * Whether `a` equals `b`, taking the same time wherever they differ and whatever their lengths:
 * both are hashed to 32 bytes first, so `timingSafeEqual` never sees inputs of different length.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const digest = (v: string | Buffer): Buffer => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Checks a `<algorithm>=<hex HMAC of body keyed by token>` header, as GitHub (`X-Hub-Signature`,
 * `X-Hub-Signature-256`), Bitbucket Server and Flux's generic-hmac (`X-Signature`) send it.
 *
 * @example verifyPrefixedHmac('sha256=' + hmacHex('sha256', 'token', body), body, 'token') // { ok: true }
 */
export function verifyPrefixedHmac(header: string | undefined, body: Buffer, token: string): Check {
  if (!header) return { ok: false, message: 'missing signature header' };
  const eq = header.indexOf('=');
  if (eq < 0) return { ok: false, message: 'malformed signature: want <algorithm>=<hex digest>' };
  const algorithm = header.slice(0, eq);
  const hex = header.slice(eq + 1);
  if (!SIGNATURE_ALGORITHMS.has(algorithm)) {
    return { ok: false, message: `unknown signature algorithm "${algorithm}": want sha1, sha256 or sha512` };
  }
  // Buffer.from(…, 'hex') stops silently at the first bad character; reject instead of comparing a prefix.
  if (!HEX.test(hex)) return { ok: false, message: 'malformed signature: the digest is not hex' };
  const expected = createHmac(algorithm, token).update(body).digest();
  return constantTimeEqual(Buffer.from(hex, 'hex'), expected)
    ? { ok: true }
    : { ok: false, message: 'signature does not match the payload' };
}

/** Checks Nexus's `X-Nexus-Webhook-Signature`: the lower-case hex HMAC-SHA1 of the body, no prefix. */
export function verifyNexusSignature(header: string | undefined, body: Buffer, token: string): Check {
  if (!header) return { ok: false, message: 'missing X-Nexus-Webhook-Signature header' };
  return constantTimeEqual(header, hmacHex('sha1', token, body))
    ? { ok: true }
    : { ok: false, message: 'signature does not match the payload' };
}

/** Checks a header that carries the token itself (GitLab's `X-Gitlab-Token`, Harbor's `Authorization`). */
export function verifySharedToken(header: string | undefined, token: string, headerName: string): Check {
  if (header === undefined) return { ok: false, message: `missing ${headerName} header` };
  return constantTimeEqual(header, token)
    ? { ok: true }
    : { ok: false, message: `${headerName} does not match the token` };
}

/** Lower-case hex HMAC of `body` keyed by `token`: what a sender signs with. */
export function hmacHex(algorithm: 'sha1' | 'sha256' | 'sha512', token: string, body: Buffer | string): string {
  return createHmac(algorithm, token).update(body).digest('hex');
}

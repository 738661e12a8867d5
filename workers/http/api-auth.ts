/**
 * Bearer-token authentication of the reconcile API. The expected token lives in a Kubernetes
 * Secret (key `token`), read through a short cache so a rotation applies within seconds and a
 * burst of calls costs one read. Comparison is constant-time.
 *
 * @module
 */
import type { KubeClients } from '../../activities/kube/client.js';
import { readSecretStrings } from '../../activities/kube/secrets.js';
import { constantTimeEqual } from './receivers/signatures.js';

/** Where the expected token comes from. */
export interface TokenSource {
  /** The token, or a message saying why there is none (not configured, Secret missing). */
  expected(): Promise<{ token: string } | { missing: string }>;
}

/** The verdict on a request's credentials: pass, or the status code and message to answer with. */
export type AuthVerdict = { ok: true } | { ok: false; code: 401 | 403 | 503; error: string };

/**
 * Checks an `Authorization` header against the expected token: 401 when there is no bearer token,
 * 403 when it is wrong, 503 when the server has no token to compare with (it never lets a call
 * through unauthenticated).
 */
export function checkBearer(
  header: string | undefined,
  expected: { token: string } | { missing: string }
): AuthVerdict {
  if ('missing' in expected) return { ok: false, code: 503, error: expected.missing };
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  if (!m?.[1]) return { ok: false, code: 401, error: 'missing bearer token: send Authorization: Bearer <token>' };
  if (!constantTimeEqual(m[1], expected.token)) return { ok: false, code: 403, error: 'the bearer token is not valid' };
  return { ok: true };
}

/** A token source for an unset `BALLAST_API_TOKEN_SECRET`: every call is refused with a hint. */
export const notConfigured: TokenSource = {
  expected: () =>
    Promise.resolve({
      missing:
        'the reconcile API is disabled: set BALLAST_API_TOKEN_SECRET=<namespace>/<name> of a Secret with key token',
    }),
};

/** Reads the token from Secret `namespace/name`, key `token`, caching it for `ttlMs` (default 5 s). */
export function secretTokenSource(
  kube: KubeClients,
  ref: { namespace: string; name: string },
  ttlMs = 5_000
): TokenSource {
  let cached: { value: { token: string } | { missing: string }; until: number } | undefined;
  return {
    async expected() {
      if (cached && cached.until > Date.now()) return cached.value;
      const data = await readSecretStrings(kube, ref.namespace, ref.name);
      const token = data?.token;
      const value =
        token !== undefined && token !== ''
          ? { token }
          : { missing: `the API token Secret ${ref.namespace}/${ref.name} is missing or has no non-empty key "token"` };
      cached = { value, until: Date.now() + ttlMs };
      return value;
    },
  };
}

/** Parses `namespace/name` as BALLAST_API_TOKEN_SECRET gives it. */
export function parseSecretRef(value: string): { namespace: string; name: string } {
  const [namespace, name, ...rest] = value.split('/');
  if (!namespace || !name || rest.length > 0) {
    throw new Error(`invalid Secret reference "${value}": want namespace/name, e.g. flux-system/ballast-api`);
  }
  return { namespace, name };
}

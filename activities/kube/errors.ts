import { ApiException } from '@kubernetes/client-node';

/** HTTP status of a Kubernetes API error, or undefined for anything else (network, bugs). */
export function apiStatus(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

export const isNotFound = (err: unknown): boolean => apiStatus(err) === 404;
export const isConflict = (err: unknown): boolean => apiStatus(err) === 409;

/**
 * The apiserver's own message (the `message` of its Status body), which is what a person needs to
 * fix an invalid manifest; falls back to the error text.
 */
export function apiMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = typeof err.body === 'string' ? safeJson(err.body) : err.body;
    const msg = (body as { message?: unknown } | undefined)?.message;
    if (typeof msg === 'string' && msg !== '') return msg;
    return `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return { message: s.slice(0, 500) };
  }
}

/**
 * Whether an API error will not go away by retrying: invalid (400/422), forbidden (403),
 * unprocessable, method not allowed. 409 conflicts, 429 and 5xx are transient.
 */
export function isPermanentApiError(err: unknown): boolean {
  const code = apiStatus(err);
  return code === 400 || code === 403 || code === 404 || code === 405 || code === 422;
}

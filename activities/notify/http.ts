/**
 * The one HTTP client every Provider uses: Node's fetch (undici, for per-Provider TLS and proxy
 * dispatchers) with a timeout, and Flux's retry classification turned into Temporal failures, so
 * the delivery workflow's retry policy (not a loop here) decides when to try again. Messages name
 * the method and origin only (a webhook URL's path is a credential) and are masked of every
 * secret value before they reach history or a log line.
 *
 * @module
 */
import { ApplicationFailure } from '@temporalio/activity';
import { fetch, type Dispatcher } from 'undici';
import { Reason } from '../../api/reasons.js';
import { redactSecrets } from './redact.js';

/** How a Provider's requests are made; built per delivery from the Provider and its Secrets. */
export interface HttpOptions {
  /** Provider type, named in error messages. */
  providerType: string;
  /** Timeout of one request (the Provider's `spec.timeout`). */
  timeoutMs: number;
  /** TLS and proxy settings; undici's default agent when unset. */
  dispatcher?: Dispatcher;
  /** Values to mask in every message: tokens, passwords, header values, secret addresses. */
  secrets: readonly string[];
  /** Aborts the request when the activity is cancelled. */
  signal?: AbortSignal;
}

/** One request. A `json` body is serialised and sent as `application/json`. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  /** A body already serialised (signed payloads must be sent byte for byte). */
  body?: string;
}

/** A response with a 2xx status (or one the caller allowed). */
export interface HttpResponse {
  status: number;
  text: string;
}

/** Statuses Flux's retrying client (go-retryablehttp) retries: the rest of 4xx will not improve. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Longest Retry-After honoured; a longer one still retries, at the policy's pace. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;
/** How much of an error body a message quotes. */
const BODY_SNIPPET = 300;

/** Makes requests for one Provider; see {@link HttpOptions}. */
export class ProviderHttp {
  constructor(private readonly opts: HttpOptions) {}

  /**
   * Sends `req`. Resolves for 2xx and for `allow`ed statuses (e.g. 404 for "no status yet");
   * otherwise throws a retryable failure (network, timeout, 408/429/5xx, with Retry-After as the
   * next delay) or a non-retryable one (any other status).
   */
  async request(req: HttpRequest, allow: readonly number[] = []): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...req.headers };
    let body = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['Content-Type'] ??= 'application/json';
    }
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout;
    const target = `${req.method} ${this.opts.providerType} endpoint ${origin(req.url)}`;
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(req.url, { method: req.method, headers, body, signal, dispatcher: this.opts.dispatcher });
    } catch (err) {
      const why = timeout.aborted ? `timed out after ${this.opts.timeoutMs} ms` : networkError(err);
      throw this.failure(`${target} failed: ${why}`, true);
    }
    const text = await res.text();
    if ((res.status >= 200 && res.status < 300) || allow.includes(res.status)) return { status: res.status, text };
    const message = `${target} answered HTTP ${res.status}${snippet(text)}`;
    if (!RETRYABLE_STATUS.has(res.status)) throw this.failure(message, false);
    throw this.failure(message, true, retryAfterMs(res.headers.get('retry-after')));
  }

  /** POSTs `payload` as JSON and returns the response. */
  postJson(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request({ method: 'POST', url, json: payload, headers });
  }

  /** A failure whose message is masked of the Provider's secrets. */
  failure(message: string, retryable: boolean, nextRetryDelayMs?: number): ApplicationFailure {
    return ApplicationFailure.create({
      message: redactSecrets(message, this.opts.secrets),
      type: Reason.NotificationDispatchFailed,
      nonRetryable: !retryable,
      ...(nextRetryDelayMs !== undefined ? { nextRetryDelay: nextRetryDelayMs } : {}),
    });
  }
}

/** `scheme://host:port` of a URL: enough to tell where a request went, without the path. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** The useful part of fetch's `TypeError: fetch failed`: its cause's code and message. */
function networkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.message)
    return cause.code && !cause.message.includes(cause.code) ? `${cause.code} ${cause.message}` : cause.message;
  return err instanceof Error ? err.message : String(err);
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t === '') return '';
  return `: ${t.length > BODY_SNIPPET ? `${t.slice(0, BODY_SNIPPET)}…` : t}`;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  // Zero or a date in the past: the retry policy's own delay applies.
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

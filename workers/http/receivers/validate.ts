/**
 * Whether a webhook request is authentic and wanted, per Receiver type, as notification-controller
 * decides it (internal/server/receiver_handlers.go `validate`): the same headers, the same
 * signature schemes and the same `spec.events` filter. Pure, so every type is unit-tested.
 *
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ReceiverType } from '../../../api/receiver.js';
import { validate } from '../../../api/meta.js';
import { CDEventSchema } from './cdevents.js';
import { verifyNexusSignature, verifyPrefixedHmac, verifySharedToken, type Check } from './signatures.js';

/** What a check sees of a request: lower-cased headers (as Node gives them) and the raw body. */
export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The verdict on a request; `event` is the sender's event type when it names one. */
export type Verdict = { ok: true; event?: string } | { ok: false; message: string };

/** The part of a Receiver's spec the checks use. */
export interface WebhookPolicy {
  type: ReceiverType;
  events?: string[];
}

/** Types Ballast cannot serve: they need Google's or an OIDC issuer's keys, fetched at request time. */
export const UNSUPPORTED_TYPES: ReadonlySet<ReceiverType> = new Set(['gcr', 'generic-oidc']);

/**
 * Checks `req` against the Receiver's type and events, with `token` from its Secret.
 *
 * @example validateWebhook({ type: 'gitlab' }, { headers: { 'x-gitlab-token': 't' }, body }, 't') // { ok: true }
 */
export function validateWebhook(policy: WebhookPolicy, req: WebhookRequest, token: string): Verdict {
  const h = (name: string): string | undefined => firstHeader(req.headers, name);
  switch (policy.type) {
    case 'generic':
      return { ok: true };
    case 'generic-hmac':
      return fromCheck(verifyPrefixedHmac(h('x-signature'), req.body, token));
    case 'github':
      return withEvent(policy, githubStyle(req, token), h('x-github-event'));
    case 'bitbucket':
      return withEvent(policy, githubStyle(req, token), h('x-event-key'));
    case 'gitlab':
      return withEvent(
        policy,
        fromCheck(verifySharedToken(h('x-gitlab-token'), token, 'X-Gitlab-Token')),
        h('x-gitlab-event')
      );
    case 'harbor':
      return fromCheck(verifySharedToken(h('authorization'), token, 'Authorization'));
    case 'quay':
    case 'dockerhub':
    case 'acr':
      // These senders sign nothing: the secret path is the authentication, the body only has to parse.
      return jsonObject(req.body, policy.type);
    case 'nexus': {
      const signed = verifyNexusSignature(h('x-nexus-webhook-signature'), req.body, token);
      return signed.ok ? jsonObject(req.body, 'nexus') : signed;
    }
    case 'cdevents':
      return withEvent(policy, cdevent(req.body), h('ce-type'));
    case 'gcr':
    case 'generic-oidc':
      return { ok: false, message: `Receiver type ${policy.type} is not supported by Ballast` };
  }
}

/** The first value of a header (Node joins most repeated headers, but not all). */
export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function fromCheck(check: Check): Verdict {
  return check.ok ? { ok: true } : check;
}

/**
 * GitHub's scheme (go-github ValidatePayload): JSON or form-encoded bodies only; the signature is
 * `X-Hub-Signature-256`, else `X-Hub-Signature`, over the raw body. As there, an empty token with
 * no signature passes.
 */
function githubStyle(req: WebhookRequest, token: string): Verdict {
  const mediaType = (firstHeader(req.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json' && mediaType !== 'application/x-www-form-urlencoded') {
    return { ok: false, message: `unsupported Content-Type "${mediaType}": want application/json` };
  }
  const signature = firstHeader(req.headers, 'x-hub-signature-256') || firstHeader(req.headers, 'x-hub-signature');
  if (token === '' && !signature) return { ok: true };
  return fromCheck(verifyPrefixedHmac(signature, req.body, token));
}

/** Applies `spec.events` (case-insensitive, as Flux) to a request that passed its checks. */
function withEvent(policy: WebhookPolicy, verdict: Verdict, event: string | undefined): Verdict {
  if (!verdict.ok) return verdict;
  const wanted = policy.events ?? [];
  const name = event ?? '';
  if (wanted.length > 0 && !wanted.some((e) => e.toLowerCase() === name.toLowerCase())) {
    return { ok: false, message: `event "${name}" is not in spec.events` };
  }
  return event === undefined ? { ok: true } : { ok: true, event };
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

function jsonObject(body: Buffer, type: string): Verdict {
  const parsed = parseJson(body);
  // Go decodes `null` into a struct without complaint; anything else must be an object.
  if (parsed.ok && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) return { ok: true };
  return { ok: false, message: `cannot decode the ${type} payload: want a JSON object` };
}

function cdevent(body: Buffer): Verdict {
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, message: 'cannot decode the CDEvent: not JSON' };
  const event = validate(CDEventSchema, parsed.value);
  if (!event.ok) return { ok: false, message: `invalid CDEvent: ${event.message.replace(/\n/g, '; ')}` };
  return { ok: true };
}

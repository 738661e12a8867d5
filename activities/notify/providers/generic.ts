/**
 * `generic` and `generic-hmac`: POST the event as Flux's JSON to `address`, with the
 * `gotk-component` header, the Secret's `headers`, and for generic-hmac
 * `X-Signature: sha256=<hex HMAC-SHA256 of the body keyed by token>` (Flux's Forwarder).
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import type { FluxEvent } from '../../../api/events.js';
import { invalidConfig, requireHttpUrl } from '../config-errors.js';
import { fluxEventJson } from '../format.js';
import { DELIVERED, type Notifier, type ProviderTarget } from '../types.js';

/** The header Flux names the emitting controller in. */
export const NOTIFICATION_HEADER = 'gotk-component';

async function forward(event: FluxEvent, t: ProviderTarget, hmacKey?: string): Promise<void> {
  const url = requireHttpUrl(t);
  const body = JSON.stringify(fluxEventJson(event));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    [NOTIFICATION_HEADER]: event.reportingController,
    ...t.headers,
  };
  if (hmacKey !== undefined) headers['X-Signature'] = `sha256=${sign(body, hmacKey)}`;
  await t.http.request({ method: 'POST', url: url.href, headers, body });
}

/** Hex HMAC-SHA256 of `payload` under `key`. */
export function sign(payload: string, key: string): string {
  return createHmac('sha256', key).update(payload).digest('hex');
}

/** `generic`: the event as JSON. */
export const generic: Notifier = async (event, t) => {
  await forward(event, t);
  return DELIVERED;
};

/** `generic-hmac`: the event as JSON, signed with the Secret's `token`. */
export const genericHmac: Notifier = async (event, t) => {
  if (!t.token) throw invalidConfig(t, 'generic-hmac needs the HMAC key in the Secret\'s "token" key');
  await forward(event, t, t.token);
  return DELIVERED;
};

/**
 * `discord`: Discord's Slack-compatible webhook (`<address>/slack`) with Slack's payload, no
 * channel and no fallback text, as Flux sends it.
 *
 * @module
 */
import { requireHttpUrl } from '../config-errors.js';
import { DELIVERED, type Notifier } from '../types.js';
import { slackPayload } from './slack.js';

/** The webhook address with `/slack` appended unless it already ends so. */
export function discordSlackUrl(address: URL): string {
  if (address.href.endsWith('/slack')) return address.href;
  const url = new URL(address.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/slack`;
  return url.href;
}

export const discord: Notifier = async (event, t) => {
  const payload = slackPayload(event, {
    channel: '',
    username: t.username || event.reportingController,
    color: event.severity === 'error' ? 'danger' : 'good',
    withFallback: false,
  });
  await t.http.postJson(discordSlackUrl(requireHttpUrl(t)), payload);
  return DELIVERED;
};

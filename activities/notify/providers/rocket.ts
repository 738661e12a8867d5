/**
 * `rocket`: a Rocket.Chat incoming webhook with Slack's payload, blue or red, the channel and
 * username from the Provider (no default sender), as Flux sends it.
 *
 * @module
 */
import { requireHttpUrl } from '../config-errors.js';
import { DELIVERED, type Notifier } from '../types.js';
import { slackPayload } from './slack.js';

export const rocket: Notifier = async (event, t) => {
  const payload = slackPayload(event, {
    channel: t.channel ?? '',
    username: t.username ?? '',
    color: event.severity === 'error' ? '#FF0000' : '#0076D7',
    withFallback: false,
  });
  await t.http.postJson(requireHttpUrl(t).href, payload);
  return DELIVERED;
};

/**
 * `slack`: an incoming-webhook (or `chat.postMessage`) message with one attachment, as Flux's
 * Slack notifier sends it; `discord` and `rocket` send the same shape (see their files).
 *
 * @module
 */
import type { FluxEvent } from '../../../api/events.js';
import { requireHttpUrl } from '../config-errors.js';
import { metadataEntries, objectName } from '../format.js';
import { DELIVERED, type Notifier } from '../types.js';

/** Slack's legacy message attachment. */
export interface SlackAttachment {
  fallback: string;
  color: string;
  author_name: string;
  text: string;
  mrkdwn_in: string[];
  fields: { title: string; value: string; short: boolean }[];
}

/** Slack's message payload (Flux's SlackPayload; `icon_*` are always sent, empty). */
export interface SlackPayload {
  channel: string;
  username: string;
  icon_url: string;
  icon_emoji: string;
  attachments: SlackAttachment[];
}

/** The API whose answers carry `{ok, error}` instead of an HTTP error status. */
const CHAT_POST_MESSAGE = 'https://slack.com/api/chat.postMessage';

/** Builds the payload; `fallback` is empty for Discord and Rocket, as in Flux. */
export function slackPayload(
  event: FluxEvent,
  opts: { channel: string; username: string; color: string; withFallback: boolean }
): SlackPayload {
  const author = objectName(event);
  const attachment: SlackAttachment = {
    fallback: opts.withFallback ? `${author}: ${event.message.split('\n')[0]}` : '',
    color: opts.color,
    author_name: author,
    text: event.message,
    mrkdwn_in: ['text'],
    fields: metadataEntries(event).map(([title, value]) => ({ title, value, short: false })),
  };
  return { channel: opts.channel, username: opts.username, icon_url: '', icon_emoji: '', attachments: [attachment] };
}

/** `slack`: `good`/`danger` colours, the sender defaults to the reporting controller, token as Bearer. */
export const slack: Notifier = async (event, t) => {
  const url = requireHttpUrl(t);
  const payload = slackPayload(event, {
    channel: t.channel ?? '',
    username: t.username || event.reportingController,
    color: event.severity === 'error' ? 'danger' : 'good',
    withFallback: true,
  });
  const headers: Record<string, string> = t.token ? { Authorization: `Bearer ${t.token}` } : {};
  const res = await t.http.postJson(url.href, payload, headers);
  if (url.href === CHAT_POST_MESSAGE) {
    const answer = parseSlackAnswer(res.text);
    if (!answer.ok) throw t.http.failure(`Slack responded with error: ${answer.error ?? 'unknown'}`, false);
  }
  return DELIVERED;
};

function parseSlackAnswer(text: string): { ok: boolean; error?: string } {
  try {
    return JSON.parse(text) as { ok: boolean; error?: string };
  } catch {
    return { ok: false, error: 'unable to read the response body' };
  }
}

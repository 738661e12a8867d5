/**
 * `webex`: a Markdown message to the room in `channel`, the bot token as Bearer, as Flux sends it
 * (address is Webex's messages API, usually `https://webexapis.com/v1/messages`).
 *
 * @module
 */
import type { FluxEvent } from '../../../api/events.js';
import { requireHttpUrl } from '../config-errors.js';
import { metadataEntries, objectName } from '../format.js';
import { DELIVERED, type Notifier } from '../types.js';

/** The Markdown body: a ✅ or 💣 headline, the message, then one quoted line per metadata entry. */
export function webexMarkdown(event: FluxEvent): string {
  const icon = event.severity === 'error' ? '💣' : '✅';
  const lines = [`${icon} **${objectName(event)}**`, event.message];
  for (const [k, v] of metadataEntries(event)) lines.push(`>**${k}**: ${v}`);
  return `${lines.join('\n')}\n`;
}

export const webex: Notifier = async (event, t) => {
  const payload = { ...(t.channel ? { roomId: t.channel } : {}), markdown: webexMarkdown(event) };
  await t.http.postJson(requireHttpUrl(t).href, payload, { Authorization: `Bearer ${t.token ?? ''}` });
  return DELIVERED;
};

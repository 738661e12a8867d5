/**
 * `msteams`: an Adaptive Card (Teams workflows / Power Automate webhooks), or the legacy
 * MessageCard for the retired Office 365 connector hosts (`*.webhook.office.com`), as Flux
 * chooses between them.
 *
 * @module
 */
import type { FluxEvent } from '../../../api/events.js';
import { requireHttpUrl } from '../config-errors.js';
import { metadataEntries, objectName } from '../format.js';
import { DELIVERED, type Notifier } from '../types.js';

const SUMMARY_KEY = 'summary';

/** The Adaptive Card message: title, message (red on error), then the facts, summary first. */
export function adaptiveCardPayload(event: FluxEvent): Record<string, unknown> {
  const message: Record<string, unknown> = { type: 'TextBlock', text: event.message, wrap: true };
  if (event.severity === 'error') message.color = 'attention';
  const summary = event.metadata[SUMMARY_KEY];
  const facts = [
    ...(summary !== undefined ? [{ title: SUMMARY_KEY, value: summary }] : []),
    ...metadataEntries(event)
      .filter(([k]) => k !== SUMMARY_KEY)
      .map(([title, value]) => ({ title, value })),
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'Container',
              items: [
                { type: 'TextBlock', text: objectName(event), size: 'large', weight: 'bolder', wrap: true },
                message,
                { type: 'FactSet', facts },
              ],
            },
          ],
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** The legacy Office 365 connector MessageCard. */
export function messageCardPayload(event: FluxEvent): Record<string, unknown> {
  const name = objectName(event);
  return {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: event.severity === 'error' ? 'FF0000' : '0076D7',
    summary: name,
    sections: [
      {
        activityTitle: event.message,
        activitySubtitle: name,
        facts: metadataEntries(event).map(([k, value]) => ({ name: k, value })),
      },
    ],
  };
}

export const msteams: Notifier = async (event, t) => {
  const url = requireHttpUrl(t);
  const legacy = url.hostname.endsWith('.webhook.office.com');
  await t.http.postJson(url.href, legacy ? messageCardPayload(event) : adaptiveCardPayload(event));
  return DELIVERED;
};

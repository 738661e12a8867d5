/**
 * `googlechat`: a Google Chat card (header, message paragraph, one key/value widget per metadata
 * entry), the message in red on error, as Flux sends it.
 *
 * @module
 */
import type { FluxEvent } from '../../../api/events.js';
import { requireHttpUrl } from '../config-errors.js';
import { metadataEntries, objectName } from '../format.js';
import { DELIVERED, type Notifier } from '../types.js';

/** The card payload; unset fields are JSON `null`, as Go marshals nil pointers. */
export function googleChatPayload(event: FluxEvent): Record<string, unknown> {
  const text = event.severity === 'error' ? `<font color="#ff0000">${event.message}</font>` : event.message;
  const sections: Record<string, unknown>[] = [{ header: '', widgets: [{ textParagraph: { text }, keyValue: null }] }];
  const entries = metadataEntries(event);
  if (entries.length > 0) {
    sections.push({
      header: '',
      widgets: entries.map(([topLabel, content]) => ({
        textParagraph: null,
        keyValue: { topLabel, content, contentMultiline: false, bottomLabel: null, icon: null },
      })),
    });
  }
  return {
    cards: [
      {
        header: { title: objectName(event), subtitle: event.reportingController, imageUrl: null, imageStyle: null },
        sections,
      },
    ],
  };
}

export const googlechat: Notifier = async (event, t) => {
  await t.http.postJson(requireHttpUrl(t).href, googleChatPayload(event));
  return DELIVERED;
};

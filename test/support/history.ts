/**
 * Everything a workflow history holds, as text: strings as they are and payload bytes decoded as
 * UTF-8. `JSON.stringify` of a history shows payloads as base64 (the protobuf messages' `toJSON`),
 * which a search for content — a secret, a manifest — would read straight past.
 */
export function historyText(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return parts.join('\n');
}

/** A workflow input field every reconcile carries: its presence proves the payloads were decoded. */
export const DECODED_PAYLOAD = /"generation":\d/;

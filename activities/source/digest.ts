/**
 * Artifact digests in Flux's `<algorithm>:<hex>` form. Only sha256 is produced or accepted, which
 * is Flux's default (`--artifact-digest-algo`).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** The one digest algorithm artifacts use. */
export const DIGEST_ALGORITHM = 'sha256';

/** `sha256:<hex>` of everything `stream` yields, plus its length in bytes. */
export async function sha256Stream(stream: Readable): Promise<{ digest: string; hex: string; size: number }> {
  const hash = createHash(DIGEST_ALGORITHM);
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    hash.update(buf);
    size += buf.length;
  }
  const hex = hash.digest('hex');
  return { digest: `${DIGEST_ALGORITHM}:${hex}`, hex, size };
}

/** `sha256:<hex>` of a file, plus its size. */
export function sha256File(file: string): Promise<{ digest: string; hex: string; size: number }> {
  return sha256Stream(createReadStream(file));
}

/**
 * The hex of a `sha256:<hex>` digest.
 *
 * @throws RangeError for another algorithm or a malformed value.
 */
export function sha256Hex(digest: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!match?.[1]) throw new RangeError(`unsupported artifact digest "${digest}": want sha256:<64 hex digits>`);
  return match[1];
}

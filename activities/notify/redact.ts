/**
 * Masks secret values in text that leaves the delivery activity (error messages become workflow
 * history and log lines). Flux masks the token the same way (fluxcd/pkg masktoken); Ballast masks
 * every value it read from the Provider's Secrets.
 */

/** What a masked value reads as. */
export const MASK = '*****';

/** Values shorter than this are not masked: a 1–3 character "secret" would mask ordinary words. */
const MIN_SECRET_LENGTH = 4;

/**
 * `text` with each of `secrets` (and its URL-encoded form) replaced by {@link MASK}. Longer
 * secrets are masked first, so one secret containing another is masked whole.
 *
 * @example redactSecrets('401 for token abcd1234', ['abcd1234']) // '401 for token *****'
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const values = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    values.add(s);
    values.add(encodeURIComponent(s));
  }
  let out = text;
  for (const v of [...values].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK);
  return out;
}

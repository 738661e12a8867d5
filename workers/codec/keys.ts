/**
 * The payload codec's keys: AES-256 keys by id, one of which encodes. Keys come from a file of
 * `id=base64key` lines (BALLAST_CODEC_KEYS_FILE), so a rotation is "append a line, point
 * BALLAST_CODEC_KEY_ID at it" while older ids still decode, or from one key in BALLAST_CODEC_KEY
 * (id: BALLAST_CODEC_KEY_ID, else `default`) for the simple case. No key: no codec.
 *
 * Messages never contain key material, only ids, line numbers and lengths.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** AES-256 needs exactly this many key bytes. */
export const CODEC_KEY_BYTES = 32;

/** The id a BALLAST_CODEC_KEY gets when BALLAST_CODEC_KEY_ID is unset. */
export const DEFAULT_CODEC_KEY_ID = 'default';

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KEY_ID_HINT = 'letters, digits, ".", "_" or "-", at most 64';

/** Keys by id and the id new payloads are encrypted with. */
export interface Keyring {
  encodingKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Where the keys come from, as the configuration gives it. */
export interface CodecKeySettings {
  codecKeysFile?: string;
  codecKey?: string;
  codecKeyId?: string;
}

/** How a setting is named in messages (the variable or the file key the user set). */
export type SettingName = (key: keyof CodecKeySettings) => string;

/** The keyring the settings describe (undefined: no codec), or every problem with them. */
export function readKeyring(
  settings: CodecKeySettings,
  name: SettingName = (k) => k
): { keyring?: Keyring; problems: string[] } {
  const { codecKeysFile, codecKey, codecKeyId } = settings;
  if (codecKeysFile && codecKey)
    return { problems: [`${name('codecKey')}: set together with ${name('codecKeysFile')}; set one`] };
  if (codecKeyId !== undefined && !KEY_ID.test(codecKeyId))
    return { problems: [`${name('codecKeyId')}: "${codecKeyId}" is not a key id (${KEY_ID_HINT})`] };
  if (codecKey) {
    const id = codecKeyId ?? DEFAULT_CODEC_KEY_ID;
    const key = decodeKey(codecKey);
    if (typeof key === 'string') return { problems: [`${name('codecKey')}: ${key}`] };
    return { keyring: { encodingKeyId: id, keys: new Map([[id, key]]) }, problems: [] };
  }
  if (codecKeysFile) return keyringFromFile(codecKeysFile, codecKeyId, name);
  if (codecKeyId) return { problems: [`${name('codecKeyId')}: set without a key (set ${name('codecKeysFile')})`] };
  return { problems: [] };
}

/** {@link readKeyring} that throws its problems as one error. */
export function loadKeyring(settings: CodecKeySettings): Keyring | undefined {
  const { keyring, problems } = readKeyring(settings);
  if (problems.length > 0) throw new Error(`invalid payload codec keys:\n  ${problems.join('\n  ')}`);
  return keyring;
}

function keyringFromFile(
  file: string,
  encodingKeyId: string | undefined,
  name: SettingName
): { keyring?: Keyring; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problems: [`${name('codecKeysFile')}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`] };
  }
  const { keys, problems } = parseKeysFile(text);
  const where = `${name('codecKeysFile')} (${file})`;
  const prefixed = problems.map((p) => `${where}: ${p}`);
  if (keys.size === 0 && problems.length === 0) prefixed.push(`${where}: no keys (want lines id=base64key)`);
  const id = encodingKeyId ?? [...keys.keys()].at(-1);
  if (id !== undefined && keys.size > 0 && !keys.has(id))
    prefixed.push(`${name('codecKeyId')}: no key "${id}" in ${file} (ids: ${[...keys.keys()].join(', ')})`);
  if (prefixed.length > 0 || id === undefined) return { problems: prefixed };
  return { keyring: { encodingKeyId: id, keys }, problems: [] };
}

/**
 * Parses a keys file: one `id=base64key` per line; blank lines and `#` comments are ignored.
 * Every bad line is reported by its number.
 */
export function parseKeysFile(text: string): { keys: Map<string, Buffer>; problems: string[] } {
  const keys = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = `line ${i + 1}`;
    const eq = line.indexOf('=');
    const id = eq > 0 ? line.slice(0, eq).trim() : '';
    const key = decodeKey(line.slice(eq + 1).trim());
    if (!KEY_ID.test(id)) problems.push(`${at}: want id=base64key with an id of ${KEY_ID_HINT}`);
    else if (keys.has(id)) problems.push(`${at}: key id "${id}" appears twice`);
    else if (typeof key === 'string') problems.push(`${at} (key "${id}"): ${key}`);
    else keys.set(id, key);
  }
  return { keys, problems };
}

/** The key bytes, or why the text is not a 32-byte base64 key. */
function decodeKey(text: string): Buffer | string {
  const hint = 'want 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return `not base64; ${hint}`;
  const key = Buffer.from(text, 'base64');
  if (key.length !== CODEC_KEY_BYTES) return `${key.length} bytes; ${hint}`;
  return key;
}

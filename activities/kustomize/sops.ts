import type { KubernetesObject } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Annotation that opts one object out of decryption, as in Flux. */
export const DECRYPT_ANNOTATION = 'kustomize.toolkit.fluxcd.io/decrypt';

/** Decrypting an object failed: no keys, a wrong key, or a corrupt document. Never carries plaintext. */
export class DecryptionError extends Error {}

/** Turns a built object into its decrypted form; objects that are not encrypted come back unchanged. */
export type Decryptor = (obj: KubernetesObject) => Promise<KubernetesObject>;

/**
 * True when a whole document was encrypted by SOPS: it carries SOPS metadata (`sops`) with a MAC.
 * Objects annotated `kustomize.toolkit.fluxcd.io/decrypt: disabled` are left alone, as Flux does.
 */
export function isSopsEncrypted(obj: KubernetesObject): boolean {
  const meta = (obj as { sops?: unknown }).sops;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return false;
  if (typeof (meta as { mac?: unknown }).mac !== 'string') return false;
  return obj.metadata?.annotations?.[DECRYPT_ANNOTATION]?.toLowerCase() !== 'disabled';
}

/**
 * Shortens sops' stderr to one line and masks anything that looks like ciphertext, so a message in
 * status names what failed without echoing document content.
 */
export function summarizeSopsError(stderr: string): string {
  const text = stderr
    .split('\n')
    .map((l) => l.replace(/^\s*\|\s?/, '').trim())
    .filter((l) => l.length > 0)
    .join(' ')
    .replace(/ENC\[[^\]]*\]/g, 'ENC[…]')
    .replace(/\s+/g, ' ');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text || 'sops failed without a message';
}

/** Says which of the usual failures sops reported: a key that does not match, or a damaged document. */
export function explainSopsError(stderr: string, keySource: string): string {
  if (/Failed to get the data key/i.test(stderr)) {
    const recipients = [...new Set(stderr.match(/age1[0-9a-z]{20,}/g) ?? [])];
    const to = recipients.length > 0 ? ` (it is encrypted to ${recipients.join(', ')})` : '';
    return `no age key in ${keySource} can decrypt it${to}`;
  }
  if (/Error walking tree|Could not decrypt|Error unmarshalling|Error loading|parsing time/i.test(stderr)) {
    return `the encrypted document is corrupt: ${summarizeSopsError(stderr)}`;
  }
  return summarizeSopsError(stderr);
}

function describe(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj.kind}/${ns}${obj.metadata?.name}`;
}

export interface SopsOptions {
  /** The sops binary; a bare name is looked up on PATH. */
  binary: string;
  /** age identities (`AGE-SECRET-KEY-1…`), one or more per entry. */
  ageKeys: string[];
  /** Where the keys came from, for messages, e.g. `decryption Secret apps/sops-age`. */
  keySource: string;
  timeoutMs: number;
}

/**
 * Decrypts one document with the sops CLI. The document goes in on stdin and the plaintext comes
 * back on stdout (sops reads stdin when given no file), so nothing decrypted touches the disk; the keys travel in `SOPS_AGE_KEY` (not
 * argv, which `ps` shows). The environment is otherwise empty so no ambient key file, KMS
 * credential or keyservice of the host is used. `--ignore-mac` matches Flux: kustomize has already
 * added namespaces and labels to the document, which the MAC covers.
 */
export async function sopsDecrypt(obj: KubernetesObject, opts: SopsOptions): Promise<KubernetesObject> {
  const args = ['decrypt', '--input-type', 'json', '--output-type', 'json', '--ignore-mac'];
  const env = { PATH: process.env.PATH ?? '', HOME: '/nonexistent', SOPS_AGE_KEY: opts.ageKeys.join('\n') };
  let stdout: string;
  try {
    const pending = run(opts.binary, args, { env, timeout: opts.timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    pending.child.stdin?.end(JSON.stringify(obj));
    ({ stdout } = await pending);
  } catch (err) {
    const e = err as { stderr?: string; message: string; code?: string | number; killed?: boolean };
    if (e.code === 'ENOENT') throw new Error(`sops binary not found at ${opts.binary}`);
    if (e.killed) throw new Error(`sops timed out decrypting ${describe(obj)}`);
    throw new DecryptionError(
      `failed to decrypt ${describe(obj)}: ${explainSopsError(e.stderr ?? '', opts.keySource)}`
    );
  }
  try {
    return JSON.parse(stdout) as KubernetesObject;
  } catch {
    throw new DecryptionError(`failed to decrypt ${describe(obj)}: sops returned no JSON document`);
  }
}

/**
 * A Decryptor over the given age keys. Without keys, an encrypted object fails before sops runs,
 * with `noKeys` saying how to provide them.
 */
export function sopsDecryptor(opts: SopsOptions & { noKeys: string }): Decryptor {
  return async (obj) => {
    if (!isSopsEncrypted(obj)) return obj;
    if (opts.ageKeys.length === 0) {
      throw new DecryptionError(`${describe(obj)} is SOPS-encrypted but ${opts.noKeys}`);
    }
    return sopsDecrypt(obj, opts);
  };
}

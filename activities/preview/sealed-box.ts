/**
 * A sealed box: data encrypted to one recipient's X25519 public key (ephemeral-static ECDH, HKDF-SHA256,
 * AES-256-GCM), gzipped first. The preview activity seals its diff to a key the CLI made for this one
 * call, so the workflow history holds only ciphertext that nobody can open once the CLI has exited.
 *
 * @module
 */
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** Ciphertext and what the recipient needs to open it; every field base64. */
export interface SealedBox {
  /** The sender's ephemeral public key (SPKI DER). */
  key: string;
  iv: string;
  tag: string;
  data: string;
}

/** Binds the derived key to its use, so it cannot be replayed for anything else. */
const INFO = Buffer.from('ballast sealed box v1');

/** A key pair for one exchange: send `publicKey` along, keep `privateKey` in memory. */
export function createSealKeys(): { publicKey: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return { publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey };
}

function derive(privateKey: KeyObject, publicKey: KeyObject, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', diffieHellman({ privateKey, publicKey }), salt, INFO, 32));
}

/**
 * The recipient's key from its base64 SPKI DER form.
 *
 * @throws TypeError when it is not an X25519 public key.
 */
export function parseRecipientKey(recipientKey: string): KeyObject {
  let key: KeyObject | undefined;
  try {
    key = createPublicKey({ key: Buffer.from(recipientKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    key = undefined;
  }
  if (key?.asymmetricKeyType !== 'x25519') throw new TypeError('recipient key is not an X25519 public key');
  return key;
}

/**
 * Seals `plaintext` to `recipientKey` (base64 SPKI DER of an X25519 key).
 *
 * @throws TypeError when the key is not an X25519 public key.
 */
export function seal(recipientKey: string, plaintext: string): SealedBox {
  const recipient = parseRecipientKey(recipientKey);
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralKey = ephemeral.publicKey.export({ type: 'spki', format: 'der' });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(ephemeral.privateKey, recipient, ephemeralKey), iv);
  const data = Buffer.concat([cipher.update(gzipSync(plaintext)), cipher.final()]);
  return {
    key: ephemeralKey.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/**
 * Opens a box sealed to the public half of `privateKey`.
 *
 * @throws Error when the box was sealed to another key or altered.
 */
export function openSealedBox(privateKey: KeyObject, box: SealedBox): string {
  const ephemeralKey = Buffer.from(box.key, 'base64');
  const sender = createPublicKey({ key: ephemeralKey, format: 'der', type: 'spki' });
  const decipher = createDecipheriv(
    'aes-256-gcm',
    derive(privateKey, sender, ephemeralKey),
    Buffer.from(box.iv, 'base64')
  );
  decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
  const zipped = Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]);
  return gunzipSync(zipped).toString('utf8');
}

/**
 * A Temporal PayloadCodec that encrypts every payload with AES-256-GCM, so workflow inputs,
 * results, signals and activity arguments reach the Temporal server (and its history, UI and
 * CLI) only as ciphertext.
 *
 * An encrypted payload has metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`;
 * its data is `nonce (12) ‖ ciphertext ‖ tag (16)`. The plaintext is the original payload:
 * `uint32 length ‖ metadata JSON (values base64) ‖ data`. The key id is authenticated too
 * (additional data), so relabelling a payload with another id fails like tampering does.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import type { Keyring } from './keys.js';

/** The metadata `encoding` of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata key naming the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** AES-256-GCM payload codec over a {@link Keyring}: encrypts with its encoding key, decrypts with any of its keys. */
export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() => payloads.map((p) => this.encrypt(p)));
  }

  /** Payloads that are not encrypted (written before the codec was switched on) pass through unchanged. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() => payloads.map((p) => (isEncrypted(p) ? this.decrypt(p) : p)));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keyring.encodingKeyId;
    const key = this.keyring.keys.get(keyId);
    if (!key) throw new ValueError(`payload codec: the encoding key "${keyId}" is not configured`);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const body = Buffer.concat([cipher.update(serialize(payload)), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(keyId) },
      data: new Uint8Array(Buffer.concat([nonce, body])),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes) throw new ValueError(`payload codec: encrypted payload without "${KEY_ID_METADATA}" metadata`);
    const keyId = Buffer.from(keyIdBytes).toString('utf8');
    const key = this.keyring.keys.get(keyId);
    if (!key)
      throw new ValueError(
        `payload codec: payload encrypted with key id "${keyId}", which is not configured ` +
          `(configured: ${[...this.keyring.keys.keys()].join(', ')}); keep retired keys in BALLAST_CODEC_KEYS_FILE`
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + TAG_BYTES)
      throw new ValueError(`payload codec: encrypted payload (key id "${keyId}") is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return deserialize(plain);
    } catch {
      throw new ValueError(
        `payload codec: cannot decrypt a payload with key id "${keyId}": authentication failed ` +
          '(the key for this id changed, or the payload was altered)'
      );
    }
  }
}

function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && Buffer.from(encoding).toString('utf8') === ENCRYPTED_ENCODING;
}

function serialize(payload: Payload): Buffer {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])
  );
  const head = Buffer.from(JSON.stringify(metadata), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, payload.data ?? new Uint8Array()]);
}

function deserialize(plain: Buffer): Payload {
  const length = plain.readUInt32BE(0);
  const metadata = JSON.parse(plain.subarray(4, 4 + length).toString('utf8')) as Record<string, string>;
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])
    ),
    data: new Uint8Array(plain.subarray(4 + length)),
  };
}

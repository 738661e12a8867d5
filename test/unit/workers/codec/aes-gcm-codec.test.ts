import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, ValueError, type Payload } from '@temporalio/common';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../../../workers/codec/aes-gcm-codec.js';
import type { Keyring } from '../../../../workers/codec/keys.js';

const keyring = (encodingKeyId: string, keys: Record<string, Buffer>): Keyring => ({
  encodingKeyId,
  keys: new Map(Object.entries(keys)),
});
const text = (u: Uint8Array | null | undefined): string => Buffer.from(u ?? []).toString('utf8');
const input = { spec: { substitute: { password: 'hunter2-marker' } }, revision: 'main@sha1:abc' };

describe('AesGcmCodec', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('round-trips payloads, which are encrypted under the encoding key id', async () => {
    const codec = new AesGcmCodec(keyring('k1', { k1 }));
    const plain = [defaultPayloadConverter.toPayload(input), defaultPayloadConverter.toPayload(null)];
    const [encrypted, encryptedNull] = await codec.encode(plain);
    assert.ok(encrypted && encryptedNull);
    assert.equal(text(encrypted.metadata?.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(encrypted.metadata?.[KEY_ID_METADATA]), 'k1');
    assert.doesNotMatch(text(encrypted.data), /hunter2|substitute|json/);
    const decoded = await codec.decode([encrypted, encryptedNull]);
    assert.deepEqual(decoded, plain);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded[0] as Payload), input);
  });

  it('uses a fresh nonce per payload', async () => {
    const codec = new AesGcmCodec(keyring('k1', { k1 }));
    const p = defaultPayloadConverter.toPayload(input);
    const [a, b] = await codec.encode([p, p]);
    assert.notDeepEqual(a?.data, b?.data);
  });

  it('still decodes data of a retired key after rotation to a new encoding key', async () => {
    const before = new AesGcmCodec(keyring('k1', { k1 }));
    const after = new AesGcmCodec(keyring('k2', { k1, k2 }));
    const [old] = await before.encode([defaultPayloadConverter.toPayload(input)]);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(input)]);
    assert.equal(text(fresh?.metadata?.[KEY_ID_METADATA]), 'k2');
    const decoded = await after.decode([old as Payload, fresh as Payload]);
    assert.deepEqual(
      decoded.map((p) => defaultPayloadConverter.fromPayload(p)),
      [input, input]
    );
  });

  it('refuses tampered ciphertext', async () => {
    const codec = new AesGcmCodec(keyring('k1', { k1 }));
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload(input)]);
    const data = new Uint8Array(enc?.data ?? []);
    data[20] = (data[20] ?? 0) ^ 1;
    await assert.rejects(codec.decode([{ ...enc, data }]), (err: Error) => {
      assert.ok(err instanceof ValueError);
      assert.match(err.message, /key id "k1": authentication failed/);
      return true;
    });
  });

  it('refuses a payload relabelled with another key id (the id is authenticated)', async () => {
    const codec = new AesGcmCodec(keyring('k1', { k1, k2: k1 }));
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload(input)]);
    const relabelled = { ...enc, metadata: { ...enc?.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await assert.rejects(codec.decode([relabelled]), /key id "k2": authentication failed/);
  });

  it('names an unknown key id and the configured ones', async () => {
    const [enc] = await new AesGcmCodec(keyring('gone', { gone: k1 })).encode([defaultPayloadConverter.toPayload(1)]);
    await assert.rejects(
      new AesGcmCodec(keyring('k2', { k2 })).decode([enc as Payload]),
      /key id "gone", which is not configured \(configured: k2\)/
    );
  });

  it('passes unencrypted payloads (written before the codec was on) through decode', async () => {
    const plain = defaultPayloadConverter.toPayload(input);
    assert.deepEqual(await new AesGcmCodec(keyring('k1', { k1 })).decode([plain]), [plain]);
  });
});

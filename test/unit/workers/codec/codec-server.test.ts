import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { AesGcmCodec } from '../../../../workers/codec/aes-gcm-codec.js';
import type { TokenSource } from '../../../../workers/http/api-auth.js';
import { codecServerRoutes } from '../../../../workers/http/codec-server.js';
import { createHttpServer } from '../../../../workers/http/server.js';

const UI = 'http://localhost:8233';
const token: TokenSource = { expected: () => Promise.resolve({ token: 'operator-token' }) };
const auth = { authorization: 'Bearer operator-token', 'x-namespace': 'default', origin: UI };
const b64 = (s: string): string => Buffer.from(s).toString('base64');
type Body = { payloads: { metadata: Record<string, string>; data: string }[] };

describe('codec server', () => {
  let app: FastifyInstance;
  const codec = new AesGcmCodec({ encodingKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) });
  before(async () => {
    app = await createHttpServer({
      log: pino({ level: 'silent' }),
      registry: new Registry(),
      ready: () => true,
      plugins: [codecServerRoutes({ codecs: [codec], token, corsOrigin: UI })],
    });
  });
  after(() => app.close());

  const plain = defaultPayloadConverter.toPayload({ secret: 'marker-123' });
  const plainJson = {
    metadata: { encoding: b64('json/plain') },
    data: Buffer.from(plain.data ?? []).toString('base64'),
  };

  it('refuses a call without a bearer token (401) and with a wrong one (403)', async () => {
    const none = await app.inject({ method: 'POST', url: '/codec/decode', payload: { payloads: [] } });
    assert.equal(none.statusCode, 401);
    assert.match(none.headers['www-authenticate'] as string, /^Bearer/);
    const wrong = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { authorization: 'Bearer nope' },
      payload: { payloads: [] },
    });
    assert.equal(wrong.statusCode, 403);
  });

  it('answers the CORS preflight for the configured origin only', async () => {
    const preflight = (origin: string): Promise<{ statusCode: number; headers: Record<string, unknown> }> =>
      app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ok = await preflight(UI);
    assert.equal(ok.statusCode, 204);
    assert.equal(ok.headers['access-control-allow-origin'], UI);
    assert.match(String(ok.headers['access-control-allow-headers']), /authorization.*content-type.*x-namespace/);
    assert.match(String(ok.headers['access-control-allow-methods']), /POST/);
    const other = await preflight('http://evil.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('decodes what it encoded, and encodes to binary/encrypted ciphertext', async () => {
    const enc = await app.inject({
      method: 'POST',
      url: '/codec/encode',
      headers: auth,
      payload: { payloads: [plainJson] },
    });
    assert.equal(enc.statusCode, 200, enc.body);
    assert.equal(enc.headers['access-control-allow-origin'], UI);
    const encoded = enc.json<Body>();
    assert.equal(encoded.payloads[0]?.metadata.encoding, b64('binary/encrypted'));
    assert.ok(
      !Buffer.from(encoded.payloads[0]?.data ?? '', 'base64')
        .toString()
        .includes('marker-123')
    );
    const dec = await app.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: encoded });
    assert.equal(dec.statusCode, 200, dec.body);
    assert.deepEqual(dec.json(), { payloads: [plainJson] });
  });

  it('answers 400 with the reason for a payload it cannot decrypt or a malformed body', async () => {
    const foreign = {
      metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('retired') },
      data: b64('x'.repeat(40)),
    };
    const res = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: auth,
      payload: { payloads: [foreign] },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json<{ error: string }>().error, /key id "retired", which is not configured/);
    const bad = await app.inject({ method: 'POST', url: '/codec/decode', headers: auth, payload: { payload: [] } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ error: string }>().error, /payloads/);
  });
});

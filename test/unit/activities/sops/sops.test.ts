import type { KubernetesObject } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageKeysFrom } from '../../../../activities/kustomize/sops-keys.js';
import {
  DecryptionError,
  explainSopsError,
  isSopsEncrypted,
  sopsDecryptor,
  summarizeSopsError,
} from '../../../../activities/kustomize/sops.js';

const secret = (extra: Record<string, unknown> = {}, annotations?: Record<string, string>): KubernetesObject =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'apps', ...(annotations ? { annotations } : {}) },
    data: { password: 'RU5DW0FFUzI1Nl9HQ00sZGF0YTp4eF0=' },
    ...extra,
  }) as KubernetesObject;

const sopsMeta = { mac: 'ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]', age: [{ recipient: 'age1xyz' }] };

describe('isSopsEncrypted', () => {
  const cases: [string, KubernetesObject, boolean][] = [
    ['Secret with sops metadata and a MAC', secret({ sops: sopsMeta }), true],
    [
      'any kind with sops metadata',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, sops: sopsMeta } as KubernetesObject,
      true,
    ],
    ['plain Secret', secret(), false],
    ['sops key without a MAC', secret({ sops: { age: [] } }), false],
    ['sops key that is a string', secret({ sops: 'mac: ENC[x]' }), false],
    ['sops key that is a list', secret({ sops: [sopsMeta] }), false],
    ['sops key that is null', secret({ sops: null }), false],
    [
      'decrypt: disabled annotation',
      secret({ sops: sopsMeta }, { 'kustomize.toolkit.fluxcd.io/decrypt': 'Disabled' }),
      false,
    ],
    [
      'other decrypt annotation value',
      secret({ sops: sopsMeta }, { 'kustomize.toolkit.fluxcd.io/decrypt': 'yes' }),
      true,
    ],
  ];
  for (const [name, obj, expected] of cases) {
    it(`${name} → ${expected}`, () => assert.equal(isSopsEncrypted(obj), expected));
  }
});

describe('ageKeysFrom', () => {
  it('takes only entries ending in .agekey, trimmed, skipping empty ones', () => {
    const keys = ageKeysFrom({
      'age.agekey': 'AGE-SECRET-KEY-1AAA\n',
      'second.agekey': '# created: today\nAGE-SECRET-KEY-1BBB',
      'empty.agekey': '  \n',
      'identity.asc': 'pgp',
      agekey: 'no dot, not a key',
    });
    assert.deepEqual(keys, ['AGE-SECRET-KEY-1AAA', '# created: today\nAGE-SECRET-KEY-1BBB']);
  });
});

describe('summarizeSopsError', () => {
  it('joins the lines into one and masks ciphertext', () => {
    const msg = summarizeSopsError('Error walking tree:\n  | value ENC[AES256_GCM,data:c2VjcmV0,iv:x]\n\n  | broken\n');
    assert.equal(msg, 'Error walking tree: value ENC[…] broken');
  });

  it('caps the length and never returns an empty message', () => {
    assert.ok(summarizeSopsError('x'.repeat(2000)).length <= 401);
    assert.equal(summarizeSopsError('\n \n'), 'sops failed without a message');
  });
});

describe('explainSopsError', () => {
  const source = 'decryption Secret apps/sops-age';

  it('names the key source and the recipients when no key matches', () => {
    const stderr = [
      'Failed to get the data key required to decrypt the SOPS file.',
      'Group 0: FAILED',
      '  age1fcsmt58q0dwdd0kah0elf06xsyqwwthysvplu3j80fma9l27q49s0548jv: FAILED',
      '    - | identity did not match any of the recipients',
    ].join('\n');
    assert.equal(
      explainSopsError(stderr, source),
      'no age key in decryption Secret apps/sops-age can decrypt it ' +
        '(it is encrypted to age1fcsmt58q0dwdd0kah0elf06xsyqwwthysvplu3j80fma9l27q49s0548jv)'
    );
  });

  it('calls a damaged document corrupt', () => {
    const stderr =
      'Error decrypting tree: Error walking tree: Could not decrypt value: cipher: message authentication failed';
    assert.match(explainSopsError(stderr, source), /^the encrypted document is corrupt: Error decrypting tree/);
  });

  it('passes anything else through, summarized', () => {
    assert.equal(explainSopsError('something new\nhappened', source), 'something new happened');
  });
});

describe('sopsDecryptor', () => {
  const opts = { binary: '/nonexistent/sops', timeoutMs: 1000, keySource: 'decryption Secret apps/sops-age' };

  it('returns unencrypted objects unchanged without running sops', async () => {
    const plain = secret();
    const decrypt = sopsDecryptor({ ...opts, ageKeys: [], noKeys: 'no keys' });
    assert.equal(await decrypt(plain), plain);
  });

  it('fails an encrypted object without keys, naming the object and how to fix it', async () => {
    const decrypt = sopsDecryptor({ ...opts, ageKeys: [], noKeys: 'decryption Secret apps/sops-age has no age keys' });
    await assert.rejects(decrypt(secret({ sops: sopsMeta })), (err: Error) => {
      assert.ok(err instanceof DecryptionError);
      assert.equal(err.message, 'Secret/apps/db is SOPS-encrypted but decryption Secret apps/sops-age has no age keys');
      return true;
    });
  });

  it('reports a missing sops binary as a plain (retryable) error', async () => {
    const decrypt = sopsDecryptor({ ...opts, ageKeys: ['AGE-SECRET-KEY-1AAA'], noKeys: '' });
    await assert.rejects(decrypt(secret({ sops: sopsMeta })), (err: Error) => {
      assert.ok(!(err instanceof DecryptionError));
      assert.match(err.message, /sops binary not found at \/nonexistent\/sops/);
      return true;
    });
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadKeyring, parseKeysFile, readKeyring } from '../../../../workers/codec/keys.js';
import { loadConfig } from '../../../../workers/config.js';

const key = (): string => randomBytes(32).toString('base64');
const keysFile = (text: string): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'codec-keys-')), 'keys');
  writeFileSync(file, text);
  return file;
};

describe('codec keys', () => {
  it('no settings: no keyring (no codec)', () => {
    assert.deepEqual(readKeyring({}), { problems: [] });
  });

  it('one key from the environment, id "default" unless named', () => {
    const k = key();
    assert.equal(loadKeyring({ codecKey: k })?.encodingKeyId, 'default');
    const named = loadKeyring({ codecKey: k, codecKeyId: '2026-11' });
    assert.equal(named?.encodingKeyId, '2026-11');
    assert.deepEqual(named?.keys.get('2026-11'), Buffer.from(k, 'base64'));
  });

  it('a keys file: the last line encodes unless BALLAST_CODEC_KEY_ID names another', () => {
    const file = keysFile(`# rotated monthly\nold=${key()}\n\nnew=${key()}\n`);
    assert.equal(loadKeyring({ codecKeysFile: file })?.encodingKeyId, 'new');
    const pinned = loadKeyring({ codecKeysFile: file, codecKeyId: 'old' });
    assert.equal(pinned?.encodingKeyId, 'old');
    assert.deepEqual([...(pinned?.keys.keys() ?? [])], ['old', 'new']);
  });

  it('reports every bad line by number without echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    const { keys, problems } = parseKeysFile(`a=${key()}\nno-equals\na=${key()}\nb=${short}\nc=not base64!\n`);
    assert.deepEqual([...keys.keys()], ['a']);
    assert.equal(problems.length, 4);
    assert.match(problems[0] ?? '', /^line 2: want id=base64key/);
    assert.match(problems[1] ?? '', /^line 3: key id "a" appears twice/);
    assert.match(problems[2] ?? '', /^line 4 \(key "b"\): 16 bytes; want 32 random bytes/);
    assert.match(problems[3] ?? '', /^line 5 \(key "c"\): not base64/);
    assert.ok(!problems.join().includes(short));
  });

  it('loadConfig names the variables in its errors', () => {
    const bad = randomBytes(31).toString('base64');
    assert.throws(
      () => loadConfig({ BALLAST_CODEC_KEY: bad }),
      (err: Error) => /BALLAST_CODEC_KEY: 31 bytes; want 32/.test(err.message) && !err.message.includes(bad)
    );
    assert.throws(() => loadConfig({ BALLAST_CODEC_KEY: key(), BALLAST_CODEC_KEYS_FILE: '/x' }), /set one/);
    assert.throws(
      () => loadConfig({ BALLAST_CODEC_KEYS_FILE: '/no/such/file' }),
      /cannot read \/no\/such\/file: ENOENT/
    );
    const file = keysFile(`a=${key()}\n`);
    assert.throws(
      () => loadConfig({ BALLAST_CODEC_KEYS_FILE: file, BALLAST_CODEC_KEY_ID: 'b' }),
      /BALLAST_CODEC_KEY_ID: no key "b" in .* \(ids: a\)/
    );
    assert.throws(() => loadConfig({ BALLAST_CODEC_KEY_ID: 'a' }), /set without a key/);
    assert.throws(
      () => loadConfig({ BALLAST_CODEC_CORS_ORIGIN: 'http://ui.example/path' }),
      /BALLAST_CODEC_CORS_ORIGIN: an origin/
    );
    assert.equal(loadConfig({ BALLAST_CODEC_KEYS_FILE: file }).codecKeysFile, file);
  });
});

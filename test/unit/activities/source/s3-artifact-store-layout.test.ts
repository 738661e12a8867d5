import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  normalizeS3Prefix,
  s3ObjectKey,
  S3ArtifactStore,
  type S3ArtifactStoreOptions,
} from '../../../../activities/source/s3-artifact-store.js';

const HEX = 'ab'.repeat(32);
const REL = `gitrepository/flux-system/podinfo/${HEX}.tar.gz`;

function store(options: Partial<S3ArtifactStoreOptions> = {}): S3ArtifactStore {
  return new S3ArtifactStore({ bucket: 'ballast', region: 'us-east-1', ...options });
}

describe('S3ArtifactStore key layout and URLs', () => {
  it('keys artifacts as the local store lays them out, under the prefix', () => {
    assert.equal(store().objectKey(REL), REL);
    assert.equal(store({ prefix: 'prod/ballast' }).objectKey(REL), `prod/ballast/${REL}`);
    assert.equal(store({ prefix: '/prod/ballast/' }).objectKey(REL), `prod/ballast/${REL}`, 'slashes trimmed');
  });

  it('reports s3://bucket/key URLs, or URLs under baseUrl', () => {
    assert.equal(store({ prefix: 'p' }).url(REL), `s3://ballast/p/${REL}`);
    assert.equal(
      store({ prefix: 'p', baseUrl: 'https://artifacts.example.com/' }).url(REL),
      `https://artifacts.example.com/${REL}`
    );
  });

  it('refuses paths and prefixes that could reach another key', () => {
    for (const bad of ['', '../x', 'a//b', 'a/./b', 'a\\b', 'a/\0'])
      assert.throws(() => s3ObjectKey('', bad), RangeError, bad);
    for (const bad of ['a/../b', 'a//b', '.']) assert.throws(() => normalizeS3Prefix(bad), RangeError, bad);
    assert.equal(normalizeS3Prefix(undefined), '');
    assert.equal(normalizeS3Prefix('///'), '');
  });

  it('refuses invalid keys on put and a bad keep on gc before any request', async () => {
    const s = store({ endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    await assert.rejects(s.put({ kind: 'GitRepository', namespace: 'ns', name: 'n' }, '/nonexistent'), RangeError);
    await assert.rejects(s.gc({ kind: 'gitrepository', namespace: 'ns', name: 'n' }, -1), RangeError);
    await assert.rejects(s.has('../etc/passwd'), RangeError);
    s.destroy();
  });
});

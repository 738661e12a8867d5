/**
 * The S3 artifact store against a real S3-compatible server (MinIO on loopback): the same
 * contract the local store keeps — content-addressed idempotent puts, verified extraction,
 * newest-first gc — with the bytes in a bucket instead of a directory.
 */
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { packDirectory } from '../../../activities/source/archive.js';
import {
  ArtifactDigestMismatchError,
  ArtifactNotFoundError,
  type ArtifactKey,
} from '../../../activities/source/artifact-store.js';
import { S3ArtifactStore } from '../../../activities/source/s3-artifact-store.js';
import { startS3Server, type S3Server } from '../../../tools/localenv/s3.js';

const KEY: ArtifactKey = { kind: 'gitrepository', namespace: 'flux-system', name: 'podinfo' };

describe('S3ArtifactStore on a real S3-compatible server', () => {
  let s3: S3Server;
  let bucket: S3Client;
  let root: string;
  let store: S3ArtifactStore;
  let n = 0;

  before(async () => {
    s3 = await startS3Server();
    bucket = s3.client();
    root = await mkdtemp(path.join(tmpdir(), 'ballast-s3-store-'));
    store = new S3ArtifactStore({
      bucket: s3.bucket,
      prefix: 'run-1',
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: s3.credentials,
      downloadDir: root,
    });
  });
  after(async () => {
    store?.destroy();
    bucket?.destroy();
    await s3?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Packs a one-file tree whose content depends on `seed`; returns the archive file. */
  async function artifact(seed: string): Promise<string> {
    const dir = path.join(root, `src-${n++}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'app.yaml'), `seed: ${seed}\n`);
    return (await packDirectory(dir, { outFile: path.join(root, `a-${n++}.tar.gz`) })).file;
  }

  const head = (key: string) => bucket.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));

  it('put uploads to <prefix>/<kind>/<ns>/<name>/<sha256>.tar.gz and reports an s3:// URL', async () => {
    const file = await artifact('put');
    const bytes = await readFile(file);
    const hex = createHash('sha256').update(bytes).digest('hex');
    const stored = await store.put(KEY, file);
    const key = `run-1/gitrepository/flux-system/podinfo/${hex}.tar.gz`;
    assert.deepEqual(stored, {
      path: `gitrepository/flux-system/podinfo/${hex}.tar.gz`,
      url: `s3://${s3.bucket}/${key}`,
      digest: `sha256:${hex}`,
      size: bytes.length,
    });
    assert.equal((await head(key)).ContentLength, bytes.length, 'the object is in the bucket under the key');
    assert.ok(await store.has(stored.path));
    assert.equal(await text(await store.open(stored.path)), bytes.toString());
  });

  it('put of the same content again is harmless', async () => {
    const file = await artifact('twice');
    const first = await store.put(KEY, file);
    const second = await store.put(KEY, file);
    assert.deepEqual(second, first);
    assert.ok(await store.has(first.path));
  });

  it('extractTo verifies the digest, unpacks, and leaves no download behind', async () => {
    const stored = await store.put(KEY, await artifact('extract'));
    const out = path.join(root, 'out-extract');
    await store.extractTo(stored.path, stored.digest, out);
    assert.equal(await readFile(path.join(out, 'app.yaml'), 'utf8'), 'seed: extract\n');
    assert.deepEqual(
      (await readdir(root)).filter((f) => f.startsWith('.download-')),
      [],
      'the download directory is removed'
    );
  });

  it('extractTo refuses an object tampered with in the bucket and writes nothing', async () => {
    const stored = await store.put(KEY, await artifact('genuine'));
    // The attacker's object is a valid archive: only the digest check can tell.
    const forged = await readFile(await artifact('forged'));
    await bucket.send(new PutObjectCommand({ Bucket: s3.bucket, Key: store.objectKey(stored.path), Body: forged }));
    const out = path.join(root, 'out-tampered');
    await assert.rejects(store.extractTo(stored.path, stored.digest, out), (err: Error) => {
      assert.ok(err instanceof ArtifactDigestMismatchError, String(err));
      assert.match(err.message, new RegExp(`expected ${stored.digest}`));
      return true;
    });
    await assert.rejects(readdir(out), { code: 'ENOENT' }, 'nothing extracted');
  });

  it('a missing artifact is ArtifactNotFoundError for open and extractTo, and false for has', async () => {
    const missing = `gitrepository/flux-system/podinfo/${'0'.repeat(64)}.tar.gz`;
    assert.equal(await store.has(missing), false);
    await assert.rejects(store.open(missing), ArtifactNotFoundError);
    await assert.rejects(
      store.extractTo(missing, `sha256:${'0'.repeat(64)}`, path.join(root, 'x')),
      ArtifactNotFoundError
    );
    await store.remove(missing);
  });

  it('gc keeps the newest puts of one object (a re-put counts as newest) and leaves others alone', async () => {
    const key: ArtifactKey = { kind: 'gitrepository', namespace: 'flux-system', name: 'gc-me' };
    const other: ArtifactKey = { kind: 'gitrepository', namespace: 'flux-system', name: 'gc-me-not' };
    const files = [await artifact('g1'), await artifact('g2'), await artifact('g3')];
    const [a, b, c] = [
      await store.put(key, files[0]!),
      await store.put(key, files[1]!),
      await store.put(key, files[2]!),
    ];
    const kept = await store.put(other, files[0]!);
    await store.put(key, files[0]!); // a is the newest again, within the same second as the others
    const removed = await store.gc(key, 2);
    assert.deepEqual(removed, [b.path]);
    assert.deepEqual(
      [await store.has(a.path), await store.has(b.path), await store.has(c.path), await store.has(kept.path)],
      [true, false, true, true]
    );
    assert.deepEqual((await store.gc(key, 0)).sort(), [a.path, c.path].sort());
    const left = await bucket.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'run-1/gitrepository/flux-system/gc-me/' })
    );
    assert.equal(left.KeyCount ?? 0, 0, 'gc 0 empties the object prefix');
    assert.ok(await store.has(kept.path), 'gc-me-not is another object');
  });

  it('signs with the credentials it is given: a wrong secret is refused', async () => {
    const intruder = new S3ArtifactStore({
      bucket: s3.bucket,
      prefix: 'run-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.credentials.accessKeyId, secretAccessKey: 'wrong-secret-key' },
    });
    await assert.rejects(intruder.put(KEY, await artifact('intruder')), /signature|SignatureDoesNotMatch|denied/i);
    intruder.destroy();
  });
});

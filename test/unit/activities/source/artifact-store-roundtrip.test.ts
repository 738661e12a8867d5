import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  appendFile,
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { packDirectory } from '../../../../activities/source/archive.js';
import {
  ArtifactDigestMismatchError,
  ArtifactNotFoundError,
  artifactPrefix,
  LocalArtifactStore,
  type ArtifactKey,
} from '../../../../activities/source/artifact-store.js';

const KEY: ArtifactKey = { kind: 'gitrepository', namespace: 'flux-system', name: 'podinfo' };

describe('LocalArtifactStore stores content-addressed artifacts', () => {
  let root: string;
  let storeDir: string;
  let store: LocalArtifactStore;
  let n = 0;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ballast-store-'));
    storeDir = path.join(root, 'store');
    store = new LocalArtifactStore(storeDir);
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** Packs a small tree whose content depends on `seed`; returns the archive file. */
  async function artifact(seed: string): Promise<string> {
    const dir = path.join(root, `src-${n++}`);
    await mkdir(path.join(dir, 'base'), { recursive: true });
    await writeFile(path.join(dir, 'base', 'app.yaml'), `seed: ${seed}\n`);
    await writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'run.sh'), 0o755);
    await symlink('base/app.yaml', path.join(dir, 'app.yaml'));
    return (await packDirectory(dir, { outFile: path.join(root, `a-${n++}.tar.gz`) })).file;
  }

  it('put stores under <kind>/<ns>/<name>/<sha256>.tar.gz and reports digest, size and url', async () => {
    const file = await artifact('put');
    const bytes = await readFile(file);
    const hex = createHash('sha256').update(bytes).digest('hex');
    const stored = await store.put(KEY, file);
    assert.deepEqual(stored, {
      path: `gitrepository/flux-system/podinfo/${hex}.tar.gz`,
      url: `file://${path.join(storeDir, 'gitrepository/flux-system/podinfo', `${hex}.tar.gz`)}`,
      digest: `sha256:${hex}`,
      size: bytes.length,
    });
    assert.ok(await store.has(stored.path));
    assert.equal(await text(await store.open(stored.path)), bytes.toString());
    assert.ok((await stat(file)).isFile(), 'the caller keeps its file');
  });

  it('serves URLs under baseUrl when one is configured', async () => {
    const served = new LocalArtifactStore(storeDir, { baseUrl: 'http://artifacts.flux-system.svc.cluster.local./' });
    const stored = await served.put(KEY, await artifact('url'));
    assert.equal(stored.url, `http://artifacts.flux-system.svc.cluster.local./${stored.path}`);
  });

  it('put is idempotent and leaves no temp files', async () => {
    const file = await artifact('twice');
    const first = await store.put(KEY, file);
    const second = await store.put(KEY, file);
    assert.deepEqual(second, first);
    const names = await readdir(path.join(storeDir, artifactPrefix(KEY)));
    assert.equal(names.filter((f) => f === path.basename(first.path)).length, 1);
    assert.deepEqual(
      names.filter((f) => f.startsWith('.tmp-')),
      []
    );
  });

  it('extractTo round-trips the tree: contents, executable bit and symlinks', async () => {
    const stored = await store.put(KEY, await artifact('roundtrip'));
    const target = path.join(root, 'extracted');
    await store.extractTo(stored.path, stored.digest, target);
    assert.equal(await readFile(path.join(target, 'base/app.yaml'), 'utf8'), 'seed: roundtrip\n');
    assert.equal((await stat(path.join(target, 'run.sh'))).mode & 0o111, 0o111);
    assert.equal(await readlink(path.join(target, 'app.yaml')), 'base/app.yaml');
  });

  it('a tampered file fails digest verification and nothing is extracted', async () => {
    const stored = await store.put({ ...KEY, name: 'tampered' }, await artifact('tamper'));
    await appendFile(path.join(storeDir, stored.path), 'x');
    const target = path.join(root, 'tampered-target');
    await assert.rejects(store.extractTo(stored.path, stored.digest, target), (err: unknown) => {
      assert.ok(err instanceof ArtifactDigestMismatchError);
      assert.match(
        err.message,
        new RegExp(`artifact ${stored.path} has digest sha256:[0-9a-f]{64}, expected ${stored.digest}`)
      );
      return true;
    });
    await assert.rejects(stat(target), { code: 'ENOENT' });
  });

  it('a digest that is not sha256:<hex> is refused', async () => {
    const stored = await store.put(KEY, await artifact('digest-form'));
    await assert.rejects(store.extractTo(stored.path, 'md5:abc', path.join(root, 'x')), RangeError);
  });

  it('a missing artifact is ArtifactNotFoundError; removing it twice is fine', async () => {
    const stored = await store.put(KEY, await artifact('remove'));
    await store.remove(stored.path);
    await store.remove(stored.path);
    assert.equal(await store.has(stored.path), false);
    await assert.rejects(store.open(stored.path), ArtifactNotFoundError);
    await assert.rejects(store.extractTo(stored.path, stored.digest, path.join(root, 'y')), ArtifactNotFoundError);
  });

  it('refuses paths and keys that could leave the store', async () => {
    for (const bad of ['', '../outside.tar.gz', '/etc/passwd', 'gitrepository//x', 'a/./b', 'a\\b']) {
      await assert.rejects(store.has(bad), RangeError, bad);
      await assert.rejects(store.open(bad), RangeError, bad);
      await assert.rejects(store.remove(bad), RangeError, bad);
    }
    for (const key of [
      { ...KEY, namespace: '..' },
      { ...KEY, name: '../x' },
      { ...KEY, kind: 'Git/Repository' },
    ]) {
      await assert.rejects(store.put(key, await artifact('bad-key')), RangeError);
    }
  });
});

describe('LocalArtifactStore.gc keeps the newest N per object', () => {
  let root: string;
  let store: LocalArtifactStore;
  const key: ArtifactKey = { kind: 'gitrepository', namespace: 'default', name: 'gc' };

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ballast-gc-'));
    store = new LocalArtifactStore(path.join(root, 'store'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** Puts five artifacts whose mtimes are 1..5 minutes ago, oldest first; returns their paths oldest first. */
  async function putFive(prefixKey: ArtifactKey): Promise<string[]> {
    const paths: string[] = [];
    for (let i = 0; i < 5; i++) {
      const file = path.join(root, `f-${prefixKey.name}-${i}`);
      await writeFile(file, `artifact ${i}`);
      const stored = await store.put(prefixKey, file);
      const when = new Date(Date.now() - (5 - i) * 60_000);
      await utimes(path.join(root, 'store', stored.path), when, when);
      paths.push(stored.path);
    }
    return paths;
  }

  it('deletes all but the newest N and returns what it deleted', async () => {
    const paths = await putFive(key);
    const removed = await store.gc(artifactPrefix(key), 2);
    assert.deepEqual(removed.sort(), paths.slice(0, 3).sort());
    for (const p of paths.slice(3)) assert.ok(await store.has(p));
    for (const p of paths.slice(0, 3)) assert.equal(await store.has(p), false);
    assert.deepEqual(await store.gc(key, 2), [], 'nothing more to do');
  });

  it('counts a re-put artifact as newest', async () => {
    const k = { ...key, name: 'gc-reput' };
    const paths = await putFive(k);
    const oldest = paths[0] as string;
    await writeFile(path.join(root, 'again'), 'artifact 0');
    assert.equal((await store.put(k, path.join(root, 'again'))).path, oldest);
    await store.gc(k, 1);
    assert.ok(await store.has(oldest));
    assert.deepEqual(await readdir(path.join(root, 'store', artifactPrefix(k))), [path.basename(oldest)]);
  });

  it('keep 0 deletes everything of the object and nothing of others', async () => {
    const doomed = { ...key, name: 'gc-doomed' };
    const other = { ...key, name: 'gc-other' };
    await putFive(doomed);
    const kept = await putFive(other);
    assert.equal((await store.gc(doomed, 0)).length, 5);
    for (const p of kept) assert.ok(await store.has(p));
  });

  it('removes stale temp files left by a crashed put, but not fresh ones', async () => {
    const k = { ...key, name: 'gc-temp' };
    await putFive(k);
    const dir = path.join(root, 'store', artifactPrefix(k));
    await writeFile(path.join(dir, '.tmp-stale'), 'x');
    await utimes(path.join(dir, '.tmp-stale'), new Date(0), new Date(0));
    await writeFile(path.join(dir, '.tmp-fresh'), 'x');
    await store.gc(k, 5);
    const names = await readdir(dir);
    assert.ok(!names.includes('.tmp-stale'));
    assert.ok(names.includes('.tmp-fresh'));
  });

  it('an object with no artifacts is a no-op; keep must be a whole number', async () => {
    assert.deepEqual(await store.gc({ ...key, name: 'never-stored' }, 1), []);
    await assert.rejects(store.gc(key, -1), RangeError);
    await assert.rejects(store.gc(key, 1.5), RangeError);
  });
});

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Header, type HeaderData } from 'tar';
import { LocalArtifactStore, UnsafeArchiveError } from '../../../../activities/source/artifact-store.js';

interface RawEntry {
  path: string;
  type: NonNullable<HeaderData['type']>;
  linkpath?: string;
  body?: string;
}

/** A .tar.gz with exactly these headers, written with tar's own Header encoder (no sanitising on the way in). */
function hostileTarGz(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const header = new Header({
      path: e.path,
      type: e.type,
      linkpath: e.linkpath,
      size: body.length,
      mode: e.type === 'Directory' ? 0o755 : 0o644,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    header.encode();
    blocks.push(header.block as Buffer);
    if (body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

describe('LocalArtifactStore.extractTo refuses hostile archives and writes nothing', () => {
  let root: string;
  let store: LocalArtifactStore;
  let n = 0;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ballast-hostile-'));
    store = new LocalArtifactStore(path.join(root, 'store'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** Stores the archive (so the digest is right) and extracts it into a fresh `work/target`. */
  async function extract(entries: RawEntry[]): Promise<{ target: string; work: string; run: Promise<void> }> {
    const work = path.join(root, `case-${n++}`);
    await mkdir(work);
    const file = path.join(work, 'artifact.tar.gz');
    await writeFile(file, hostileTarGz(entries));
    const stored = await store.put({ kind: 'gitrepository', namespace: 'default', name: `hostile-${n}` }, file);
    const target = path.join(work, 'target');
    return { target, work, run: store.extractTo(stored.path, stored.digest, target) };
  }

  const benign: RawEntry = { path: 'ok.yaml', type: 'File', body: 'kind: ConfigMap\n' };
  const cases: [string, RawEntry[], RegExp][] = [
    ['a "../" path', [benign, { path: '../evil', type: 'File', body: 'x' }], /"\.\." path segment/],
    [
      'a ".." segment in the middle',
      [benign, { path: 'a/../../evil', type: 'File', body: 'x' }],
      /"\.\." path segment/,
    ],
    ['an absolute path', [benign, { path: '/tmp/ballast-evil', type: 'File', body: 'x' }], /absolute path/],
    [
      'a symlink escaping the target',
      [benign, { path: 'link', type: 'SymbolicLink', linkpath: '../../outside' }],
      /points outside/,
    ],
    [
      'an absolute symlink',
      [benign, { path: 'etc', type: 'SymbolicLink', linkpath: '/etc' }],
      /symlink to absolute path/,
    ],
    [
      'a file written through an earlier symlink',
      [
        { path: 'sub/', type: 'Directory' },
        { path: 'd', type: 'SymbolicLink', linkpath: 'sub' },
        { path: 'd/x', type: 'File', body: 'x' },
      ],
      /goes through symlink "d"/,
    ],
    ['a hard link to a file outside', [benign, { path: 'h', type: 'Link', linkpath: '../outside' }], /hard link/],
    ['a hard link to an absolute path', [benign, { path: 'h', type: 'Link', linkpath: '/etc/passwd' }], /hard link/],
    ['a character device', [benign, { path: 'null', type: 'CharacterDevice' }], /entry type CharacterDevice/],
    ['a FIFO', [benign, { path: 'pipe', type: 'FIFO' }], /entry type FIFO/],
  ];
  for (const [what, entries, problem] of cases) {
    it(`refuses ${what}`, async () => {
      const { target, work, run } = await extract(entries);
      await assert.rejects(run, (err: unknown) => {
        assert.ok(err instanceof UnsafeArchiveError, String(err));
        assert.match(err.message, problem);
        return true;
      });
      await assert.rejects(stat(target), { code: 'ENOENT' }, 'nothing was extracted');
      assert.deepEqual((await readdir(work)).sort(), ['artifact.tar.gz']);
      await assert.rejects(stat(path.join(root, 'evil')), { code: 'ENOENT' });
      await assert.rejects(stat('/tmp/ballast-evil'), { code: 'ENOENT' });
    });
  }

  it('extracts symlinks and hard links that stay inside', async () => {
    const { target, run } = await extract([
      { path: 'base/', type: 'Directory' },
      { path: 'base/app.yaml', type: 'File', body: 'x' },
      { path: 'overlay/', type: 'Directory' },
      { path: 'overlay/base', type: 'SymbolicLink', linkpath: '../base' },
      { path: 'copy.yaml', type: 'Link', linkpath: 'base/app.yaml' },
    ]);
    await run;
    assert.deepEqual((await readdir(target)).sort(), ['base', 'copy.yaml', 'overlay']);
  });
});

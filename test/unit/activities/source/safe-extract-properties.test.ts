import fc from 'fast-check';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';
import { packDirectory } from '../../../../activities/source/archive.js';
import { extractArchive, UnsafeArchiveError } from '../../../../activities/source/safe-extract.js';

const RUNS = { numRuns: 100 };

type EntryType = 'File' | 'Directory' | 'SymbolicLink' | 'Link';

interface RawEntry {
  path: string;
  type: EntryType;
  linkpath?: string;
  body?: Buffer;
}

/** A .tar.gz with exactly these headers, written with tar's own Header encoder (no sanitising on the way in). */
function tarGz(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = e.body ?? Buffer.alloc(0);
    const data: HeaderData = {
      path: e.path,
      type: e.type,
      linkpath: e.linkpath,
      size: body.length,
      mode: e.type === 'Directory' ? 0o755 : 0o644,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    };
    const header = new Header(data);
    header.encode();
    blocks.push(header.block as Buffer);
    if (body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/**
 * A scratch directory per run: the target sits DEPTH levels down, so that even an extractor that
 * followed every `..` of a generated path would still write inside the sandbox, where it is seen.
 * `outside/secret` is what hard links and symlinks try to reach.
 */
const DEPTH = 8;
async function sandbox(): Promise<{ root: string; target: string; secret: string; expected: string[] }> {
  const root = await mkdtemp(path.join(tmpdir(), 'ballast-extract-prop-'));
  await mkdir(path.join(root, 'outside'));
  const secret = path.join(root, 'outside', 'secret');
  await writeFile(secret, 'secret');
  const deepest = Array.from({ length: DEPTH }, () => 'd');
  const levels = deepest.map((_, i) => deepest.slice(0, i + 1).join('/'));
  await mkdir(path.join(root, ...deepest), { recursive: true });
  const target = path.join(root, ...deepest, 'target');
  return { root, target, secret, expected: ['archive.tar.gz', 'outside', 'outside/secret', ...levels].sort() };
}

/** Every path under `dir` (relative, POSIX), not following symlinks, leaving out the `skip` subtree. */
async function walk(dir: string, skip?: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(path.join(dir, rel))) {
    const child = rel === '' ? name : `${rel}/${name}`;
    if (path.join(dir, child) === skip) continue;
    out.push(child);
    if ((await lstat(path.join(dir, child))).isDirectory()) out.push(...(await walk(dir, skip, child)));
  }
  return out;
}

/**
 * Where `p` leads when the kernel follows it: symlinks are replaced by their targets component by
 * component, so `link/..` is the parent of the link's target, not of the link. Missing components
 * are taken as they are (a dangling link still points somewhere). Undefined for a symlink loop.
 */
async function physicalPath(p: string, hops = { left: 40 }): Promise<string | undefined> {
  let current = '/';
  for (const part of p.split('/').filter((s) => s !== '' && s !== '.')) {
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    const st = await lstat(next).catch(() => undefined);
    if (!st?.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (--hops.left < 0) return undefined;
    const target = await readlink(next);
    const resolved = await physicalPath(path.isAbsolute(target) ? target : path.join(current, target), hops);
    if (resolved === undefined) return undefined;
    current = resolved;
  }
  return current;
}

/** Extracts, resolving to 'extracted', the error, or 'hung' after 5 s (tar has deadlocked on some link shapes). */
async function extractOrHang(file: string, target: string): Promise<unknown> {
  const hang = new Promise((resolve) => setTimeout(() => resolve('hung'), 5000).unref());
  return Promise.race([
    extractArchive(file, target).then(
      () => 'extracted',
      (err: unknown) => err
    ),
    hang,
  ]);
}

const inside = (root: string, p: string): boolean => p === root || p.startsWith(root + path.sep);

/**
 * Mostly entries that pass the checks on their own, built from two names, `.` and `..`, so that they
 * land on each other's paths (a link, then a path or a link through it); sometimes the segments
 * that must be refused outright: empty, Windows separators and drives, absolute paths.
 */
const plainPath = fc.array(fc.constantFrom('a', 'b'), { minLength: 1, maxLength: 2 }).map((parts) => parts.join('/'));
const linkTarget = fc
  .array(fc.constantFrom('a', 'b', '..', '.'), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join('/'));
const oddSegment = fc.constantFrom('a', '..', '.', '', 'a\\b', '..\\..', 'C:');
const oddRelative = fc.array(oddSegment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
/** `ABS` is replaced by the sandbox's `outside` directory, so an absolute path that got through is seen. */
const hostilePath = fc.oneof(
  oddRelative,
  oddRelative.map((p) => `ABS/${p}`),
  fc.constantFrom('ABS/secret', '/', '\\a', 'C:\\a', '/etc/passwd')
);
const entryPath = fc.oneof({ weight: 8, arbitrary: plainPath }, { weight: 1, arbitrary: hostilePath });
const linkPath = fc.oneof({ weight: 8, arbitrary: linkTarget }, { weight: 1, arbitrary: hostilePath });
const hostileEntry: fc.Arbitrary<RawEntry> = fc.oneof(
  fc.record({
    path: entryPath,
    type: fc.constant<EntryType>('File'),
    body: fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
  }),
  fc.record({ path: entryPath, type: fc.constant<EntryType>('Directory') }),
  {
    weight: 2,
    arbitrary: fc.record({ path: entryPath, type: fc.constant<EntryType>('SymbolicLink'), linkpath: linkPath }),
  },
  fc.record({ path: entryPath, type: fc.constant<EntryType>('Link'), linkpath: linkPath })
);

function placeAbsolute(entries: RawEntry[], outside: string): RawEntry[] {
  const place = (p: string | undefined): string | undefined => p?.replace(/^ABS(?=\/|$)/, outside);
  return entries.map((e) => ({ ...e, path: place(e.path) ?? '', linkpath: place(e.linkpath) }));
}

describe('extractArchive properties', () => {
  it('never writes outside the target, and leaves no link inside it that leads outside', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileEntry, { minLength: 1, maxLength: 6 }), async (generated) => {
        const box = await sandbox();
        try {
          const entries = placeAbsolute(generated, path.join(box.root, 'outside'));
          const file = path.join(box.root, 'archive.tar.gz');
          await writeFile(file, tarGz(entries));
          const outcome = await extractOrHang(file, box.target);
          assert.notEqual(outcome, 'hung', JSON.stringify(entries));
          if (outcome instanceof UnsafeArchiveError) {
            // Refused whole: checked before anything was written.
            await assert.rejects(lstat(box.target), { code: 'ENOENT' });
          }
          assert.deepEqual((await walk(box.root, box.target)).sort(), box.expected, 'nothing appeared outside');
          assert.equal(await readFile(box.secret, 'utf8'), 'secret');
          const { ino: secretInode } = await lstat(box.secret);
          const extracted = await walk(box.target).catch(() => []);
          for (const rel of extracted) {
            const abs = path.join(box.target, rel);
            const st = await lstat(abs);
            assert.notEqual(st.ino, secretInode, `${rel} is a hard link to a file outside`);
            if (!st.isSymbolicLink()) continue;
            const leads = await physicalPath(abs);
            assert.ok(
              leads === undefined || inside(box.target, leads),
              `${rel} -> ${await readlink(abs)} leads to ${leads}\n${JSON.stringify(entries)}`
            );
          }
        } finally {
          await rm(box.root, { recursive: true, force: true });
        }
      }),
      RUNS
    );
  });
});

/** A source tree as packDirectory sees it: files with bytes and an executable bit, directories, relative symlinks. */
interface Tree {
  files: Map<string, { body: Buffer; executable: boolean }>;
  dirs: Set<string>;
  links: Map<string, string>;
}

// Names no default ignore pattern matches (no .git, no images or archives).
const name = fc.constantFrom('a', 'b', 'c.yaml', 'd-e', 'f_g.json', 'ünï', 'sp ace');
const treePath = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const tree: fc.Arbitrary<Tree> = fc
  .record({
    files: fc.array(
      fc.record({
        path: treePath,
        body: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
        executable: fc.boolean(),
      }),
      { maxLength: 8 }
    ),
    links: fc.array(fc.tuple(treePath, fc.nat()), { maxLength: 3 }),
  })
  .map(({ files, links }) => {
    const t: Tree = { files: new Map(), dirs: new Set(), links: new Map() };
    const taken = (p: string): boolean =>
      t.files.has(p) ||
      t.dirs.has(p) ||
      t.links.has(p) ||
      [...t.files.keys(), ...t.links.keys()].some((f) => p.startsWith(`${f}/`));
    const addParents = (p: string): void => {
      for (let d = path.posix.dirname(p); d !== '.'; d = path.posix.dirname(d)) t.dirs.add(d);
    };
    for (const f of files) {
      if (taken(f.path)) continue;
      t.files.set(f.path, { body: f.body, executable: f.executable });
      addParents(f.path);
    }
    // Each link points at an existing file or directory, by a relative path that stays inside.
    const targets = [...t.files.keys(), ...t.dirs];
    for (const [at, pick] of links) {
      if (targets.length === 0 || taken(at)) continue;
      const to = targets[pick % targets.length] as string;
      if (to === at || to.startsWith(`${at}/`)) continue;
      const linkpath = path.posix.relative(path.posix.dirname(at), to) || '.';
      // Known gap, not a wrong property: tar 7.5 deadlocks when the raw link text, read from the
      // archive root, contains the link's path or lies on it (`a/b -> a`), so extractArchive refuses
      // those links, legitimate ones (`a/b -> a`, meaning a/a) included. Left out here until tar is fixed.
      if (`${at}/`.startsWith(`${linkpath}/`) || `${linkpath}/`.startsWith(`${at}/`)) continue;
      t.links.set(at, linkpath);
      addParents(at);
    }
    return t;
  });

async function writeTree(dir: string, t: Tree): Promise<void> {
  for (const d of t.dirs) await mkdir(path.join(dir, d), { recursive: true });
  for (const [p, f] of t.files) {
    await writeFile(path.join(dir, p), f.body);
    await chmod(path.join(dir, p), f.executable ? 0o755 : 0o644);
  }
  for (const [p, to] of t.links) await symlink(to, path.join(dir, p));
}

describe('packDirectory then extractArchive', () => {
  it('gives back a benign tree exactly: the same paths, bytes, executable bits and link targets', async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (t) => {
        const root = await mkdtemp(path.join(tmpdir(), 'ballast-extract-prop-'));
        try {
          const src = path.join(root, 'src');
          const out = path.join(root, 'out');
          await mkdir(src);
          await writeTree(src, t);
          const packed = await packDirectory(src, { outFile: path.join(root, 'a.tar.gz') });
          await extractArchive(packed.file, out);
          assert.deepEqual((await walk(out)).sort(), [...t.files.keys(), ...t.dirs, ...t.links.keys()].sort());
          for (const [p, f] of t.files) {
            assert.deepEqual(await readFile(path.join(out, p)), f.body, p);
            assert.equal(((await lstat(path.join(out, p))).mode & 0o111) !== 0, f.executable, `${p} executable bit`);
          }
          for (const [p, to] of t.links) assert.equal(await readlink(path.join(out, p)), to, p);
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 50 }
    );
  });
});

describe('extractArchive regressions found by the properties', () => {
  /** Extracts `entries` into a fresh sandbox and returns what happened; a hang becomes a failure after 5 s. */
  async function attempt(entries: RawEntry[]): Promise<unknown> {
    const box = await sandbox();
    try {
      const file = path.join(box.root, 'archive.tar.gz');
      await writeFile(file, tarGz(entries));
      return await extractOrHang(file, box.target);
    } finally {
      await rm(box.root, { recursive: true, force: true });
    }
  }

  it('refuses a symlink whose target climbs back out through another symlink (x -> ., y -> x/..)', async () => {
    // Lexically "x/.." is ".", inside; the kernel follows x first, so y was the target's parent.
    const outcome = await attempt([
      { path: 'x', type: 'SymbolicLink', linkpath: '.' },
      { path: 'y', type: 'SymbolicLink', linkpath: 'x/..' },
    ]);
    assert.ok(outcome instanceof UnsafeArchiveError, String(outcome));
    assert.match(outcome.message, /"y".*has "\.\." after a name/);
  });

  for (const entries of [
    [{ path: 'a/b', type: 'SymbolicLink', linkpath: 'a' }],
    [{ path: 'a/a', type: 'Link', linkpath: 'a' }],
    [{ path: 'a', type: 'SymbolicLink', linkpath: 'a/b/a' }],
  ] satisfies RawEntry[][]) {
    it(`refuses, instead of hanging in tar, a link that overlaps its own path: ${JSON.stringify(entries)}`, async () => {
      const outcome = await attempt(entries);
      assert.ok(outcome instanceof UnsafeArchiveError, String(outcome));
      assert.match(outcome.message, /overlaps its own path/);
    });
  }

  it('packs and extracts an empty tree (tar refuses an empty file list)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ballast-extract-prop-'));
    try {
      await mkdir(path.join(root, 'src'));
      const packed = await packDirectory(path.join(root, 'src'), { outFile: path.join(root, 'a.tar.gz') });
      await extractArchive(packed.file, path.join(root, 'out'));
      assert.deepEqual(await readdir(path.join(root, 'out')), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/**
 * Packs a checked-out source tree into a deterministic `.tar.gz` artifact: the same tree always
 * gives the same bytes, hence the same sha256 digest, so an unchanged source never produces a "new"
 * artifact. Entries are written in sorted depth-first order with fixed mtime, no owner, and modes
 * normalised to 0644/0755 (files keep only "executable or not", as Git does); gzip carries no
 * timestamp. The digest is of the compressed file, as Flux's is, so it is stable for one zlib
 * build; a worker upgrade that changes zlib output produces one new artifact, not wrong results.
 *
 * What is left out follows Flux's `.sourceignore` rules, applied in this order (later rules win,
 * gitignore syntax, `!pattern` re-includes): {@link DEFAULT_IGNORE_PATTERNS}; a `.sourceignore` in
 * the root; `.sourceignore` files in subdirectories, scoped to their directory; `spec.ignore`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ignore from 'ignore';
import { create } from 'tar';
import { sha256File } from './digest.js';
import { LimitCounter, type SourceLimits } from './source-limits.js';

/**
 * Flux's default exclusions: VCS metadata, CI configuration, and image and archive files, which
 * never hold manifests and would bloat every artifact.
 */
export const DEFAULT_IGNORE_PATTERNS: readonly string[] = [
  '.git/',
  '.gitignore',
  '.gitmodules',
  '.gitattributes',
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
  '*.jpg',
  '*.jpeg',
  '*.gif',
  '*.png',
  '*.wmv',
  '*.flv',
  '*.tar.gz',
  '*.zip',
];

/** The file name whose patterns exclude paths from the artifact. */
export const SOURCEIGNORE_FILE = '.sourceignore';

/** Options of {@link packDirectory}. */
export interface PackOptions {
  /** `spec.ignore` split into lines; applied last, so it overrides the defaults and `.sourceignore`. */
  ignore?: readonly string[];
  /** Where to write the archive. Default: a new file in the OS temp directory. The caller removes it. */
  outFile?: string;
  /** Refuse the tree (SourceLimitError) when a kept file, the file count or the total size passes these. */
  limits?: SourceLimits;
}

/** A packed artifact on local disk. */
export interface PackedArchive {
  /** Absolute path of the `.tar.gz`. */
  file: string;
  /** `sha256:<hex>` of the file. */
  digest: string;
  /** Size of the file in bytes. */
  size: number;
}

/** A symlink in the tree points outside it (or is absolute), so the artifact could not be used safely. */
export class UnsafeSymlinkError extends Error {
  override readonly name = 'UnsafeSymlinkError';
  constructor(
    /** Path of the link, relative to the packed directory. */
    readonly link: string,
    /** What the link points at. */
    readonly target: string
  ) {
    super(
      `symlink "${link}" points to "${target}", outside the source tree; ` +
        'make it relative and inside the repository, or exclude it with .sourceignore or spec.ignore'
    );
  }
}

// Epoch zero is what reproducible-build tools use; anything fixed would do.
const FIXED_MTIME = new Date(0);

/**
 * Packs `dir` (minus ignored paths) into a deterministic `.tar.gz`.
 *
 * @throws UnsafeSymlinkError when a kept symlink is absolute or resolves outside `dir`.
 * @example const { file, digest } = await packDirectory(checkout, { ignore: spec.ignore?.split('\n') });
 */
export async function packDirectory(dir: string, opts: PackOptions = {}): Promise<PackedArchive> {
  const root = path.resolve(dir);
  const counter = opts.limits ? new LimitCounter(opts.limits, 'the source tree') : undefined;
  const entries = await collectEntries(root, opts.ignore ?? [], counter);
  const file = opts.outFile ?? path.join(tmpdir(), `ballast-artifact-${randomUUID()}.tar.gz`);
  // tar refuses an empty list; an empty tree (a new repository, everything ignored) packs as its root alone.
  if (entries.length === 0) entries.push({ rel: '.', stat: normalise(await lstat(root), 0o755) });
  try {
    await create(
      {
        file,
        cwd: root,
        // Portable drops uid/gid/uname/atime/ctime and the gzip OS byte; mtime and modes are fixed via statCache.
        portable: true,
        gzip: { level: 6 },
        noDirRecurse: true,
        mtime: FIXED_MTIME,
        strict: true,
        statCache: new Map(entries.map((e) => [path.join(root, e.rel), e.stat])),
      },
      entries.map((e) => e.rel)
    );
    const { digest } = await sha256File(file);
    return { file, digest, size: (await stat(file)).size };
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
}

interface Entry {
  /** POSIX path relative to the root. */
  rel: string;
  /** lstat of the entry, normalised for a reproducible header. */
  stat: Stats;
}

/** Every kept path under `root`, in sorted depth-first order (a directory before its contents). */
async function collectEntries(
  root: string,
  specIgnore: readonly string[],
  counter: LimitCounter | undefined
): Promise<Entry[]> {
  const out: Entry[] = [];
  const walk = async (relDir: string, patterns: readonly string[]): Promise<void> => {
    const absDir = path.join(root, relDir);
    const scoped = [...patterns, ...(await readSourceIgnore(absDir, relDir))];
    const matcher = ignore()
      .add([...scoped])
      .add([...specIgnore]);
    const names = (await readdir(absDir)).sort();
    for (const name of names) {
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      const st = await lstat(path.join(root, rel));
      if (st.isDirectory()) {
        if (matcher.ignores(`${rel}/`)) continue;
        out.push({ rel, stat: normalise(st, 0o755) });
        await walk(rel, scoped);
      } else if (st.isFile() || st.isSymbolicLink()) {
        if (matcher.ignores(rel)) continue;
        if (st.isSymbolicLink()) await checkSymlink(root, rel);
        // Ignored files never count: only what goes into the artifact is limited.
        counter?.add(rel, st.isFile() ? st.size : 0);
        out.push({ rel, stat: normalise(st, st.isSymbolicLink() ? 0o777 : st.mode & 0o111 ? 0o755 : 0o644) });
      }
      // Sockets, FIFOs and devices cannot come from Git and have no place in an artifact: skipped.
    }
  };
  await walk('', DEFAULT_IGNORE_PATTERNS);
  return out;
}

/** Patterns of `<dir>/.sourceignore`, rewritten relative to the root (empty when there is none). */
async function readSourceIgnore(absDir: string, relDir: string): Promise<string[]> {
  const file = path.join(absDir, SOURCEIGNORE_FILE);
  const st = await lstat(file).catch(() => undefined);
  // A symlinked .sourceignore could read files outside the tree; only regular files count.
  if (!st?.isFile()) return [];
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
  return lines.flatMap((line) => {
    const scoped = scopePattern(line, relDir);
    return scoped === undefined ? [] : [scoped];
  });
}

/**
 * Rewrites one gitignore line from `<dir>/.sourceignore` so it matches the same paths when
 * evaluated from the root: anchored patterns (with a `/` before the end) become `<dir>/pattern`,
 * unanchored ones `<dir>/**\/pattern`. Comments and blank lines give undefined.
 */
export function scopePattern(line: string, dir: string): string | undefined {
  if (line.trim() === '' || line.startsWith('#')) return undefined;
  if (dir === '') return line;
  const negated = line.startsWith('!');
  const body = negated ? line.slice(1) : line;
  const anchored = body.replace(/\/$/, '').includes('/');
  const rooted = body.replace(/^\//, '');
  return `${negated ? '!' : ''}${dir}/${anchored ? '' : '**/'}${rooted}`;
}

/** Keeps the file type bits, sets the permission bits, and zeroes everything that varies by machine. */
function normalise(st: Stats, perm: number): Stats {
  st.mode = (st.mode & 0o170000) | perm;
  st.uid = 0;
  st.gid = 0;
  st.mtime = FIXED_MTIME;
  st.atime = FIXED_MTIME;
  st.ctime = FIXED_MTIME;
  // tar turns files with nlink > 1 into hard-link entries whose shape depends on walk order.
  st.nlink = 1;
  return st;
}

async function checkSymlink(root: string, rel: string): Promise<void> {
  const abs = path.join(root, rel);
  const target = await readlink(abs);
  if (path.isAbsolute(target)) throw new UnsafeSymlinkError(rel, target);
  const inside = path.relative(root, path.resolve(path.dirname(abs), target));
  if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    throw new UnsafeSymlinkError(rel, target);
  }
}

/**
 * Unpacks artifact tarballs without trusting them. An artifact can come from a hostile upstream
 * (a repository, an OCI image, a bucket), so before anything is written every entry is checked:
 * no absolute paths, no `..` segments, no path that goes through an earlier symlink, no symlink or
 * hard link resolving outside the target, and only files, directories and links (no devices or
 * FIFOs). A failing archive is refused whole, with {@link UnsafeArchiveError}; the same checks run
 * again as a filter during extraction, on top of tar's own protections.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { extract, list, ReadEntry } from 'tar';

/** An archive entry that could write outside the target directory, or is of a refused type. */
export class UnsafeArchiveError extends Error {
  override readonly name = 'UnsafeArchiveError';
  constructor(
    /** The entry's path as stored in the archive. */
    readonly entry: string,
    /** What is wrong with it. */
    readonly problem: string
  ) {
    super(`refusing to extract archive: entry "${entry}": ${problem}`);
  }
}

/**
 * Checks every entry of the `.tar.gz` at `file`, then extracts it into `dir` (created if missing).
 * Modes are kept; owners are not (even as root).
 *
 * @throws UnsafeArchiveError before writing anything when an entry fails the checks.
 */
export async function extractArchive(file: string, dir: string): Promise<void> {
  await assertSafeArchive(file);
  await mkdir(dir, { recursive: true });
  const guard = entryGuard();
  let late: UnsafeArchiveError | undefined;
  await extract({
    file,
    cwd: dir,
    // Every tar warning (skipped entry, stripped path) becomes an error: nothing is silently dropped.
    strict: true,
    preserveOwner: false,
    filter: (_path, entry) => {
      // Only reachable if the file changed since the check: skip the entry, fail afterwards.
      const problem = entry instanceof ReadEntry ? guard(entry) : undefined;
      late ??= problem;
      return problem === undefined;
    },
  });
  if (late) throw late;
}

/**
 * Reads the archive at `file` and throws for the first unsafe entry.
 *
 * @throws UnsafeArchiveError
 */
export async function assertSafeArchive(file: string): Promise<void> {
  const guard = entryGuard();
  let first: UnsafeArchiveError | undefined;
  await list({ file, strict: true, onReadEntry: (entry) => (first ??= guard(entry)) });
  if (first) throw first;
}

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/** A checker that remembers the symlinks seen so far, so later entries cannot be written through them. */
function entryGuard(): (entry: ReadEntry) => UnsafeArchiveError | undefined {
  const symlinks = new Set<string>();
  return (entry) => {
    const problem = entryProblem(entry, symlinks);
    return problem === undefined ? undefined : new UnsafeArchiveError(entry.path, problem);
  };
}

function entryProblem(entry: ReadEntry, symlinks: Set<string>): string | undefined {
  if (!ALLOWED_TYPES.has(entry.type)) return `entry type ${entry.type} is not allowed`;
  const pathProblem = relativePathProblem(entry.path, symlinks);
  if (pathProblem) return pathProblem;
  const norm = segments(entry.path).join('/');
  const target = entry.linkpath ?? '';
  // tar reserves the link path and the entry path together; when one contains the other it waits forever.
  const isLink = entry.type === 'SymbolicLink' || entry.type === 'Link';
  if (isLink && !isAbsolute(target) && nested(segments(target), segments(entry.path))) {
    return `link to "${target}" overlaps its own path`;
  }
  if (entry.type === 'SymbolicLink') {
    if (target === '' || isAbsolute(target)) return `symlink to absolute path "${target}"`;
    // The check below resolves "x/.." lexically, but the kernel follows x first: with x -> . it leaves the target.
    if (upAfterDown(target)) return `symlink to "${target}" has ".." after a name`;
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(norm), target.replace(/\\/g, '/')));
    if (resolved === '..' || resolved.startsWith('../'))
      return `symlink to "${target}" points outside the target directory`;
    symlinks.add(norm);
    return undefined;
  }
  // A later non-link entry at the same path replaces the symlink.
  symlinks.delete(norm);
  if (entry.type === 'Link') {
    // Hard-link targets are archive-relative, so the same rules as for entry paths apply.
    const linkProblem = relativePathProblem(target, symlinks);
    if (linkProblem) return `hard link to "${target}": ${linkProblem}`;
  }
  return undefined;
}

/** Why `p` (an archive-relative path) could land outside the target, or undefined when it cannot. */
function relativePathProblem(p: string, symlinks: ReadonlySet<string>): string | undefined {
  if (p === '') return 'empty path';
  if (isAbsolute(p)) return 'absolute path';
  const parts = segments(p);
  if (parts.includes('..')) return '".." path segment';
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    if (symlinks.has(parent)) return `path goes through symlink "${parent}"`;
  }
  return undefined;
}

/** Whether one segment list is a prefix of the other (equal included). */
function nested(a: string[], b: string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length > 0 && short.every((s, i) => s === long[i]);
}

/** Whether a `..` follows a name in `target`: only leading `..` segments resolve the same lexically and physically. */
const upAfterDown = (target: string): boolean =>
  segments(target).some((s, i, all) => s !== '..' && all.slice(i).includes('..'));

/** Path segments, with Windows separators treated as separators and `.`/empty segments dropped. */
const segments = (p: string): string[] => p.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');

const isAbsolute = (p: string): boolean => p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p);

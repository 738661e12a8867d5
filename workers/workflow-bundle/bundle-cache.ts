/**
 * Prebuilt workflow bundles on disk, one file per key (workers/workflow-bundle/source-key.ts).
 * The key is in the file name, so a lookup can only find a bundle built from the current sources.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The repository root: the workflow sources and node_modules are found from here. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
/**
 * The workflow entry point, relative to {@link REPO_ROOT}: the TypeScript source when running
 * through tsx, the compiled file when running from `dist/` (`npm run build`).
 */
export const WORKFLOWS_ENTRY = `workflows/index${path.extname(import.meta.filename)}`;
/** Where bundles live unless BALLAST_WORKFLOW_BUNDLE_DIR says otherwise (the image builds one here). */
export const DEFAULT_BUNDLE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'ballast', 'workflow-bundle');
/** Bundles kept besides the one just written: other checkouts' or branches' sources reuse theirs. */
const KEEP_OTHERS = 3;

const PREFIX = 'workflows-';
const SUFFIX = '.js';

export const bundlePath = (dir: string, key: string): string => path.join(dir, `${PREFIX}${key}${SUFFIX}`);

/** The bundle built for `key`, or undefined when there is none (never another key's bundle). */
export async function readBundle(dir: string, key: string): Promise<string | undefined> {
  try {
    return await readFile(bundlePath(dir, key), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Stores `code` under `key` atomically (a temporary file renamed into place), so a worker starting
 * meanwhile reads a whole bundle or none, then removes all but the newest few other bundles.
 */
export async function writeBundle(dir: string, key: string, code: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = bundlePath(dir, key);
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, code);
  await rename(temp, target);
  await pruneBundles(dir, key);
  return target;
}

async function pruneBundles(dir: string, keep: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith(PREFIX) && n.endsWith(SUFFIX));
  const others = names.filter((n) => n !== path.basename(bundlePath(dir, keep)));
  const aged = await Promise.all(
    others.map(async (n) => ({ n, mtime: (await stat(path.join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 }))
  );
  aged.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(aged.slice(KEEP_OTHERS).map(({ n }) => rm(path.join(dir, n), { force: true })));
}

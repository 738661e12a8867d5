/**
 * The cache key of a prebuilt workflow bundle: a hash of every source file the bundle can contain
 * and of the versions of the npm packages it pulls in (and of the bundler). Any edit to workflow
 * code, or an SDK upgrade, changes the key, so a stale bundle is never loaded.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';

/** Bump when the bundle's build options change, so older bundles stop matching. */
const FORMAT = 'ballast-workflow-bundle/1';
/** The package that builds the bundle (webpack config, injected runtime): its version is part of the key. */
const BUNDLER_PACKAGE = '@temporalio/worker';

/** Our files (relative to `root`) and the npm packages the value imports of `entry` reach. */
export interface WorkflowSources {
  files: string[];
  packages: string[];
}

// Static imports and re-exports with a `from` clause, side-effect imports, and literal dynamic imports.
const SPECIFIER =
  /(?:^|\n)\s*(import|export)(\s+type)?\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * Follows the imports from `entry` (relative to `root`). `import type` and `export type` are
 * skipped: with `verbatimModuleSyntax` they are exactly the imports the compiler erases, so they
 * cannot change the bundle (and following them would drag every activity into the key).
 */
export function workflowSources(root: string, entry: string): WorkflowSources {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of valueImports(readFileSync(path.join(root, file), 'utf8'))) {
      if (spec.startsWith('.')) pending.push(sourceOf(root, file, spec));
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) packages.add(packageName(spec));
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

function valueImports(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    if (m[2]) continue; // `import type … from` / `export type … from`
    specs.push((m[3] ?? m[4] ?? m[5])!);
  }
  return specs;
}

/** `./x.js` names the `./x.ts` source (as Temporal's bundler resolves it). */
function sourceOf(root: string, from: string, spec: string): string {
  const target = path.posix.join(path.posix.dirname(from), spec);
  const ts = target.replace(/\.js$/, '.ts');
  return existsSync(path.join(root, ts)) ? ts : target;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The installed version of `pkg` as seen from `root` (`missing` when it is not installed). */
export function installedVersion(root: string, pkg: string): string {
  const require = createRequire(path.join(root, 'package.json'));
  let dir: string;
  try {
    dir = path.dirname(require.resolve(pkg));
  } catch {
    return 'missing';
  }
  // Walk up from the package's entry file to its own package.json (exports maps may hide it).
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (name === pkg) return version ?? 'unknown';
  }
  return 'unknown';
}

/** The key: a hex SHA-256 over the format, each source file's path and content, and each package's version. */
export function workflowBundleKey(root: string, entry: string): string {
  const { files, packages } = workflowSources(root, entry);
  const hash = createHash('sha256').update(`${FORMAT}\n`);
  for (const file of files)
    hash
      .update(`file ${file}\n`)
      .update(readFileSync(path.join(root, file)))
      .update('\n');
  for (const pkg of [...new Set([...packages, BUNDLER_PACKAGE])].sort())
    hash.update(`package ${pkg}@${installedVersion(root, pkg)}\n`);
  return hash.digest('hex');
}

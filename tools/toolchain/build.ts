import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeKwokStages } from './kwok-stages.js';
import { moduleDir, toolDir } from './paths.js';
import { TOOLS, type ToolName, type ToolRecipe } from './tools.js';

const run = promisify(execFile);

/** Hash of a helper module's inputs, so editing its go.mod or sources rebuilds what it produces. */
function gomodKey(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(go|mod|sum)$/.test(entry.name)) h.update(path.relative(root, p)).update(readFileSync(p));
    }
  };
  walk(root);
  return h.digest('hex');
}

/** Cache key of one tool: its recipe, plus its helper module's content for tools built in one. */
export function toolKey(recipe: ToolRecipe): string {
  const h = createHash('sha256').update(JSON.stringify(recipe));
  if (recipe.kind === 'gomod-build') h.update(gomodKey(moduleDir(recipe)));
  return h.digest('hex').slice(0, 12);
}

/** Absolute path of a tool's cached binary (it may not exist yet). */
export function toolPath(name: ToolName): string {
  return path.join(toolDir(name, toolKey(TOOLS[name])), name);
}

/**
 * Builds one tool into a temporary folder and renames it into the cache, so an interrupted build
 * never leaves a half-written binary that a later run would trust.
 */
async function build(name: ToolName, recipe: ToolRecipe, dest: string): Promise<void> {
  const tmp = `${dest}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const ldflags = ['-s', '-w', ...(recipe.ldflags ?? [])].join(' ');
  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' };
  const opts = { env, maxBuffer: 64 * 1024 * 1024 };
  if (recipe.kind === 'go-install') {
    await run('go', ['install', `-ldflags=${ldflags}`, `${recipe.pkg}@${recipe.version}`], {
      ...opts,
      env: { ...env, GOBIN: tmp },
    });
    // `go install` names the binary after the package path minus any /vN suffix; take whatever it wrote.
    const [built] = readdirSync(tmp);
    if (built === undefined) throw new Error(`go install ${recipe.pkg} produced no binary`);
    if (built !== name) await rename(path.join(tmp, built), path.join(tmp, name));
  } else {
    await run('go', ['build', `-ldflags=${ldflags}`, '-o', path.join(tmp, name), recipe.pkg], {
      ...opts,
      cwd: moduleDir(recipe),
    });
  }
  if (name === 'kwok') await writeKwokStages(recipe.version, path.join(tmp, 'stages.yaml'));
  await writeFile(path.join(tmp, 'recipe.json'), JSON.stringify(recipe, null, 2));
  await rm(dest, { recursive: true, force: true });
  await rename(tmp, dest);
}

export interface EnsureResult {
  name: ToolName;
  path: string;
  built: boolean;
  seconds: number;
}

/**
 * Ensures every pinned tool is in the cache, building only the missing ones; prints progress.
 * Flux's controllers (`onlyFor: 'flux'`) only with `flux: true`: nothing but the benchmark needs them.
 */
export async function ensureTools(
  log: (line: string) => void = console.log,
  opts: { flux?: boolean } = {}
): Promise<EnsureResult[]> {
  const results: EnsureResult[] = [];
  for (const [name, recipe] of Object.entries(TOOLS) as [ToolName, ToolRecipe][]) {
    if (recipe.kind === 'gomod-build' && recipe.onlyFor === 'flux' && !opts.flux) continue;
    const bin = toolPath(name);
    if (existsSync(bin)) {
      results.push({ name, path: bin, built: false, seconds: 0 });
      continue;
    }
    log(`tools: building ${name} ${recipe.version} (${recipe.pkg}) …`);
    const started = performance.now();
    await build(name, recipe, path.dirname(bin));
    const seconds = (performance.now() - started) / 1000;
    log(`tools: built ${name} ${recipe.version} in ${seconds.toFixed(0)} s`);
    results.push({ name, path: bin, built: true, seconds });
  }
  return results;
}

import { homedir } from 'node:os';
import path from 'node:path';
import { TOOLS, type ToolName, type ToolRecipe } from './tools.js';

/** Root of the per-user tool cache; binaries live under `<root>/<tool>-<version>-<key>/`. */
export function cacheRoot(): string {
  const base =
    process.env.BALLAST_TOOLS_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'ballast', 'tools');
  return path.resolve(base);
}

/** The directory of the helper Go module that builds etcd and the Kubernetes binaries. */
export const GOMOD_DIR = path.resolve(import.meta.dirname, '..', 'gomod');

/** The helper module a `gomod-build` recipe is built in: GOMOD_DIR unless it names another. */
export function moduleDir(recipe: ToolRecipe): string {
  return recipe.kind === 'gomod-build' && recipe.module
    ? path.resolve(import.meta.dirname, '..', recipe.module)
    : GOMOD_DIR;
}

/** Directory a tool is cached in; the key covers its recipe (and the helper module's sources, for those built there). */
export function toolDir(name: ToolName, key: string): string {
  return path.join(cacheRoot(), `${name}-${TOOLS[name].version}-${key}`);
}

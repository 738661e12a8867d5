import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/** What a set of entry points reaches: our files (relative to `root`) and the npm packages they import. */
export interface ImportGraph {
  files: Set<string>;
  packages: Set<string>;
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * Follows the static (and literal dynamic) imports from `entries`: the `.js` specifiers name the
 * `.ts` sources tsx runs. Type-only imports count too, which errs on the safe side.
 */
export function importGraph(root: string, entries: string[]): ImportGraph {
  const graph: ImportGraph = { files: new Set(), packages: new Set() };
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.files.has(file)) continue;
    graph.files.add(file);
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) pending.push(resolveSource(root, file, spec));
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) graph.packages.add(packageName(spec));
    }
  }
  return graph;
}

function resolveSource(root: string, from: string, spec: string): string {
  const target = path.join(path.dirname(from), spec);
  const ts = target.replace(/\.js$/, '.ts');
  return existsSync(path.join(root, ts)) ? ts : target;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

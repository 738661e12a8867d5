import { stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { findKustomizationFile } from './generate.js';

/** A kustomization that would fetch something from outside the artifact while remote bases are disabled. */
export class RemoteBaseError extends Error {}

/**
 * What kustomize would fetch instead of reading from disk: URLs with a scheme, scp-like Git
 * addresses (`git@host:org/repo`), kustomize's `git::` and `gh:` forms, github.com without a
 * scheme, and anything carrying a `?ref=`.
 */
const REMOTE_FORMS = [
  /^[a-z][a-z0-9+.-]*:\/\//i,
  /^[\w.-]+@[\w.-]+:/,
  /^git::/i,
  /^gh:/i,
  /^(www\.)?github\.com\//i,
  /\?(.*&)?ref=/i,
];

export const isRemoteReference = (entry: string): boolean => REMOTE_FORMS.some((re) => re.test(entry.trim()));

/** Every path-like entry of a kustomization file, labelled by the field it came from. */
export function referencedPaths(file: Record<string, unknown>): { field: string; entry: string }[] {
  const out: { field: string; entry: string }[] = [];
  const add = (field: string, entry: unknown): void => {
    // Multi-line strings are inline patches, not paths.
    if (typeof entry === 'string' && entry.trim() !== '' && !entry.includes('\n')) out.push({ field, entry });
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const field = (o: unknown, key: string): unknown =>
    o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
  for (const key of ['resources', 'bases', 'components', 'crds', 'configurations', 'patchesStrategicMerge'])
    for (const e of list(file[key])) add(key, e);
  for (const key of ['transformers', 'generators', 'validators']) for (const e of list(file[key])) add(key, e);
  for (const key of ['patches', 'patchesJson6902', 'replacements'])
    for (const e of list(file[key])) add(`${key}.path`, field(e, 'path'));
  add('openapi.path', field(file.openapi, 'path'));
  for (const key of ['configMapGenerator', 'secretGenerator'])
    for (const g of list(file[key])) {
      for (const f of list(field(g, 'files')))
        add(`${key}.files`, typeof f === 'string' ? f.replace(/^[^=]*=/, '') : f);
      for (const f of list(field(g, 'envs'))) add(`${key}.envs`, f);
      add(`${key}.env`, field(g, 'env'));
    }
  return out;
}

/**
 * Flux's `--no-remote-bases`: walks the kustomization in `dir` and every local base and component
 * it pulls in, and throws a {@link RemoteBaseError} naming the file and entry of the first
 * reference that is remote or leaves the artifact at `root`, so only the source can shape the
 * cluster.
 */
export async function assertNoRemoteBases(root: string, dir: string, seen = new Set<string>()): Promise<void> {
  const file = findKustomizationFile(dir);
  if (!file || seen.has(file)) return;
  seen.add(file);
  const shown = path.relative(root, file) || path.basename(file);
  const content = readable(await readFile(file, 'utf8'));
  for (const { field, entry } of referencedPaths(content)) {
    if (isRemoteReference(entry)) {
      throw new RemoteBaseError(
        `${shown}: ${field} entry '${entry}' is remote, and remote bases are disabled on this cluster; vendor it into the source`
      );
    }
    const target = path.resolve(dir, entry);
    if (target !== root && !target.startsWith(root + path.sep))
      throw new RemoteBaseError(`${shown}: ${field} entry '${entry}' is outside the source artifact`);
    if ((await stat(target).catch(() => undefined))?.isDirectory()) await assertNoRemoteBases(root, target, seen);
  }
}

/** The file as an object; a file that does not parse is left to kustomize, which reports it precisely. */
function readable(text: string): Record<string, unknown> {
  try {
    const value: unknown = parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Kind names as people type them (`ks`, `kustomization`, `Kustomizations`, `hr`…) resolved to the
 * kinds Ballast serves, and the groups `get` lists.
 *
 * @module
 */
import { kindByName, KINDS } from '../../api/kinds.js';
import type { KindDescriptor } from '../../api/meta.js';
import { usageError } from './errors.js';

/** Kinds that produce artifacts for others; `get sources` lists them. */
const SOURCE_KINDS = ['GitRepository', 'HelmRepository', 'HelmChart', 'OCIRepository', 'Bucket'];

/** Every name each served kind answers to, for error messages and help. */
export function kindNames(): string {
  return Object.values(KINDS)
    .map((d) => [d.singular, ...d.shortNames].join('|'))
    .join(', ');
}

/**
 * The served kind `word` names: its kind, plural, singular or short name, any case.
 *
 * @throws CliError (usage) naming the accepted kinds.
 * @example resolveKind('ks').kind // 'Kustomization'
 */
export function resolveKind(word: string): KindDescriptor {
  const found = kindByName(word);
  if (!found) throw usageError(`unknown kind "${word}"; use one of: ${kindNames()}`);
  return found;
}

/** What `get` lists for `word`: a kind, `sources`, or `all`. */
export function resolveGetTarget(word: string): KindDescriptor[] {
  const wanted = word.toLowerCase();
  if (wanted === 'all') return Object.values(KINDS);
  if (wanted === 'sources' || wanted === 'source')
    return Object.values(KINDS).filter((d) => SOURCE_KINDS.includes(d.kind));
  return [resolveKind(word)];
}

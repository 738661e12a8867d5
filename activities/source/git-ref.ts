/**
 * Pure helpers of the Git source: which ref a GitRepository `spec.ref` selects, Flux's RFC-0005
 * revision strings, semver tag selection and `git ls-remote` output parsing. No I/O here, so they
 * are unit-tested with tables.
 *
 * @module
 */
import semver from 'semver';
import type { GitRepositoryRef } from '../../api/gitrepository.js';
import { GitInvalidRefError } from './git-errors.js';

/** What to check out, after applying Flux's precedence commit > name > semver > tag > branch. */
export type GitTarget =
  | { kind: 'commit'; commit: string; branch?: string }
  | { kind: 'name'; refName: string }
  | { kind: 'semver'; range: string }
  | { kind: 'tag'; tag: string }
  | { kind: 'branch'; branch: string };

/** The branch Flux checks out when `spec.ref` is empty. */
export const DEFAULT_BRANCH = 'master';

/**
 * The target `ref` selects. Empty strings count as unset, as in Flux.
 *
 * @throws GitInvalidRefError for a malformed ref name, commit SHA or semver range.
 */
export function gitTarget(ref: GitRepositoryRef | undefined): GitTarget {
  if (ref?.commit) {
    const commit = ref.commit.toLowerCase();
    if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) {
      throw new GitInvalidRefError(
        `spec.ref.commit "${ref.commit}" must be a full 40-character (or SHA-256) commit hash`
      );
    }
    if (ref.branch) checkRefName(ref.branch, 'spec.ref.branch');
    return ref.branch ? { kind: 'commit', commit, branch: ref.branch } : { kind: 'commit', commit };
  }
  if (ref?.name) {
    if (!ref.name.startsWith('refs/')) {
      throw new GitInvalidRefError(`spec.ref.name "${ref.name}" must be a full reference such as refs/pull/1/head`);
    }
    checkRefName(ref.name, 'spec.ref.name');
    return { kind: 'name', refName: ref.name };
  }
  if (ref?.semver) {
    if (semver.validRange(ref.semver) === null) {
      throw new GitInvalidRefError(`spec.ref.semver "${ref.semver}" is not a valid semver range`);
    }
    return { kind: 'semver', range: ref.semver };
  }
  if (ref?.tag) {
    checkRefName(ref.tag, 'spec.ref.tag');
    return { kind: 'tag', tag: ref.tag };
  }
  const branch = ref?.branch || DEFAULT_BRANCH;
  checkRefName(branch, 'spec.ref.branch');
  return { kind: 'branch', branch };
}

/**
 * Rejects what `git check-ref-format` rejects, plus a leading "-": these names end up in refspecs
 * and on the command line, where `:`, `*` or a leading "-" would change their meaning.
 */
function checkRefName(name: string, field: string): void {
  const bad =
    name === '' ||
    name === '@' ||
    name.startsWith('-') ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.endsWith('.lock') ||
    name.includes('..') ||
    name.includes('//') ||
    name.includes('@{') ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(name) ||
    name.split('/').some((part) => part.startsWith('.'));
  if (bad) throw new GitInvalidRefError(`${field} "${name}" is not a valid Git reference name`);
}

/** Human-readable description of a target for messages, e.g. `branch "main"`. */
export function describeTarget(t: GitTarget): string {
  switch (t.kind) {
    case 'commit':
      return t.branch ? `commit ${t.commit} (branch "${t.branch}")` : `commit ${t.commit}`;
    case 'name':
      return `reference "${t.refName}"`;
    case 'semver':
      return `a tag matching semver range "${t.range}"`;
    case 'tag':
      return `tag "${t.tag}"`;
    case 'branch':
      return `branch "${t.branch}"`;
  }
}

/** The full ref a target names (undefined for a bare commit or an unresolved semver range). */
export function targetRefName(t: GitTarget): string | undefined {
  switch (t.kind) {
    case 'commit':
      return t.branch ? `refs/heads/${t.branch}` : undefined;
    case 'name':
      return t.refName;
    case 'tag':
      return `refs/tags/${t.tag}`;
    case 'branch':
      return `refs/heads/${t.branch}`;
    case 'semver':
      return undefined;
  }
}

/**
 * Flux's RFC-0005 revision for `commit` checked out through `t`: `main@sha1:<hex>` for a branch,
 * `v1.0.0@sha1:<hex>` for a tag (semver targets are resolved to their tag first),
 * `refs/pull/1/head@sha1:<hex>` for a name, `sha1:<hex>` for a bare commit (`<branch>@sha1:<hex>`
 * when the commit is qualified by a branch). SHA-256 repositories get `sha256:`.
 *
 * @example formatGitRevision({ kind: 'branch', branch: 'main' }, 'a'.repeat(40)) // 'main@sha1:aaaa…'
 */
export function formatGitRevision(t: GitTarget, commit: string): string {
  const hash = `${commit.length === 64 ? 'sha256' : 'sha1'}:${commit}`;
  switch (t.kind) {
    case 'commit':
      return t.branch ? `${t.branch}@${hash}` : hash;
    case 'name':
      return `${t.refName}@${hash}`;
    case 'tag':
      return `${t.tag}@${hash}`;
    case 'branch':
      return `${t.branch}@${hash}`;
    case 'semver':
      throw new Error('resolve a semver target to its tag before formatting a revision');
  }
}

/**
 * The tag whose version is the highest in `range` (node-semver rules: a leading `v` is accepted,
 * prereleases only match ranges that name them). Tags that are not versions are skipped; when two
 * tags have the same version (`v1.0.0` and `1.0.0`) the lexically first wins, so the choice is stable.
 */
export function pickSemverTag(tags: readonly string[], range: string): string | undefined {
  const byVersion = new Map<string, string>();
  for (const tag of [...tags].sort()) {
    const version = semver.valid(tag);
    if (version !== null && !byVersion.has(version)) byVersion.set(version, tag);
  }
  const best = semver.maxSatisfying([...byVersion.keys()], range);
  return best === null ? undefined : byVersion.get(best);
}

/**
 * Ref → commit from `git ls-remote` output. For an annotated tag the peeled `^{}` line wins, so a
 * tag maps to the commit it points at, as a checkout of it would.
 */
export function parseLsRemote(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [sha, ref] = line.trim().split('\t');
    if (!sha || !ref) continue;
    if (ref.endsWith('^{}')) peeled.set(ref.slice(0, -3), sha);
    else refs.set(ref, sha);
  }
  for (const [ref, sha] of peeled) refs.set(ref, sha);
  return refs;
}

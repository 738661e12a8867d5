/**
 * Git I/O of the GitRepository source: {@link lsRemoteRevision} tells which commit `spec.ref`
 * points at without cloning (so an unchanged revision costs one round trip), and
 * {@link fetchGitRevision} checks that commit out into a directory, shallowly where Git allows.
 *
 * Both take credentials in-process (never through workflow history) and throw only classified
 * {@link GitSourceError}s: {@link GitAuthError}, {@link GitNotFoundError}, {@link GitInvalidUrlError}
 * and {@link GitInvalidRefError} are permanent; {@link GitTransientError} (network, timeouts) is
 * worth retrying. Every message is scrubbed of credentials. Caller cancellation is rethrown as the
 * signal's own reason, so an activity's CancelledFailure propagates untouched.
 *
 * Not supported yet: submodules, sparse checkout, signature verification, proxySecretRef,
 * passphrase-protected SSH keys.
 *
 * @module
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import type { GitRepositoryRef } from '../../api/gitrepository.js';
import { classifyGitFailure, GitNotFoundError, GitTransientError } from './git-errors.js';
import {
  describeTarget,
  formatGitRevision,
  gitTarget,
  parseLsRemote,
  pickSemverTag,
  targetRefName,
  type GitTarget,
} from './git-ref.js';
import { openGitSession, type GitCredentials, type GitSession } from './git-session.js';
import { parseGitUrl, type GitUrl } from './git-url.js';

export {
  GitAuthError,
  GitInvalidRefError,
  GitInvalidUrlError,
  GitNotFoundError,
  GitSourceError,
  GitTransientError,
  scrubSecrets,
} from './git-errors.js';
export { formatGitRevision, gitTarget, DEFAULT_BRANCH, type GitTarget } from './git-ref.js';
export type { GitCredentials } from './git-session.js';

/** Flux's default `spec.timeout` for Git operations. */
export const DEFAULT_GIT_TIMEOUT_MS = 60_000;

/** Input of {@link lsRemoteRevision}: where and what, as in a GitRepository spec. */
export interface GitRemoteInput {
  /** `spec.url`; see git-url.ts for the accepted forms. */
  url: string;
  /** `spec.ref`; branch `master` when absent. */
  ref?: GitRepositoryRef;
  /** From the Secret of `spec.secretRef`. */
  credentials?: GitCredentials;
  /** Deadline for all git commands of the call; default 60 s (`spec.timeout`). */
  timeoutMs?: number;
  /** Accept `file://` URLs. Tests only. */
  allowLocal?: boolean;
}

/** Input of {@link fetchGitRevision}. */
export interface GitFetchInput extends GitRemoteInput {
  /** Checkout directory: must be absent or empty. Default: a new temp directory. The caller removes it. */
  dir?: string;
}

/** The commit a ref resolves to, named the way Flux names it. */
export interface GitRemoteRevision {
  /** Full commit hash (hex). */
  commit: string;
  /** RFC-0005 revision, e.g. `main@sha1:<hex>`; what `status.artifact.revision` holds. */
  revision: string;
  /** Full ref that was resolved (`refs/heads/main`, `refs/tags/v1.2.0`); absent for a bare commit. */
  refName?: string;
}

/** Result of {@link fetchGitRevision}. */
export interface GitFetchResult extends GitRemoteRevision {
  /** Directory holding the checked-out tree (with its `.git`, which packing excludes). */
  dir: string;
}

/** Runtime controls that are not data, kept apart from the serialisable input. */
export interface GitControl {
  /** Cancels the running git command, e.g. the activity's `cancellationSignal()`. */
  signal?: AbortSignal;
}

/**
 * Resolves `input.ref` to a commit with `git ls-remote`, without cloning. A commit ref needs no
 * network (a commit never moves), so it is answered locally.
 *
 * @throws GitSourceError, classified (see the module comment).
 */
export async function lsRemoteRevision(input: GitRemoteInput, control: GitControl = {}): Promise<GitRemoteRevision> {
  const url = parseGitUrl(input.url, { allowLocal: input.allowLocal });
  const target = gitTarget(input.ref);
  if (target.kind === 'commit') return remoteRevision(target, target.commit);
  const session = await openSession(url, input, control);
  try {
    const resolved = await resolveRemote(session, url, target);
    return remoteRevision(resolved.target, resolved.commit);
  } catch (err) {
    throw failure(err, session, url, target, control);
  } finally {
    await session.dispose();
  }
}

/**
 * Checks out the commit `input.ref` selects into `input.dir` (or a new temp directory): a depth-1
 * fetch of the branch, tag, semver-selected tag, full ref or commit, then a detached checkout. A
 * server that refuses to serve an unadvertised commit gets a full fetch of its branch (or of all
 * branches) instead. On failure the directory is emptied (and removed if this call created it).
 *
 * @throws GitSourceError, classified (see the module comment).
 */
export async function fetchGitRevision(input: GitFetchInput, control: GitControl = {}): Promise<GitFetchResult> {
  const url = parseGitUrl(input.url, { allowLocal: input.allowLocal });
  const target = gitTarget(input.ref);
  const checkout = await prepareDir(input.dir);
  let session: GitSession | undefined;
  try {
    session = await openSession(url, input, control);
    const git = session.git(checkout.dir);
    await git.raw(['init', '--quiet']);
    const resolved = target.kind === 'semver' ? (await resolveRemote(session, url, target)).target : target;
    await fetchTarget(git, url, resolved, session);
    const commit = (await git.raw(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
    return { dir: checkout.dir, ...remoteRevision(resolved, commit) };
  } catch (err) {
    // A failed cleanup must not hide why the fetch failed.
    await checkout.discard().catch(() => undefined);
    throw session ? failure(err, session, url, target, control) : err;
  } finally {
    await session?.dispose();
  }
}

function openSession(url: GitUrl, input: GitRemoteInput, control: GitControl): Promise<GitSession> {
  return openGitSession(url, input.credentials, {
    timeoutMs: input.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS,
    signal: control.signal,
  });
}

function remoteRevision(target: GitTarget, commit: string): GitRemoteRevision {
  const refName = targetRefName(target);
  const revision = formatGitRevision(target, commit);
  return refName === undefined ? { commit, revision } : { commit, revision, refName };
}

/** ls-remote for one ref (or all tags, for semver); semver targets come back as their tag. */
async function resolveRemote(
  session: GitSession,
  url: GitUrl,
  target: Exclude<GitTarget, { kind: 'commit' }>
): Promise<{ target: GitTarget; commit: string }> {
  const git = session.git(session.home);
  if (target.kind === 'semver') {
    const refs = parseLsRemote(await git.raw(['ls-remote', '--tags', '--', url.url]));
    const tags = [...refs.keys()].filter((r) => r.startsWith('refs/tags/')).map((r) => r.slice('refs/tags/'.length));
    const tag = pickSemverTag(tags, target.range);
    if (tag === undefined) {
      throw new GitNotFoundError(
        `no tag in ${url.url} matches semver range "${target.range}" (${tags.length} tags seen)`
      );
    }
    return { target: { kind: 'tag', tag }, commit: refs.get(`refs/tags/${tag}`) as string };
  }
  const refName = targetRefName(target) as string;
  // An annotated tag's own line names the tag object; only the peeled `^{}` line names the commit.
  const output = await git.raw(['ls-remote', '--', url.url, refName, `${refName}^{}`]);
  const commit = parseLsRemote(output).get(refName);
  if (commit === undefined) throw new GitNotFoundError(`${describeTarget(target)} not found in ${url.url}`);
  return { target, commit };
}

async function fetchTarget(git: SimpleGit, url: GitUrl, target: GitTarget, session: GitSession): Promise<void> {
  if (target.kind === 'commit') return fetchCommit(git, url, target, session);
  const refName = targetRefName(target) as string;
  await git.raw(['fetch', '--quiet', '--no-tags', '--depth', '1', '--', url.url, refName]);
  await git.raw(['checkout', '--quiet', '--detach', 'FETCH_HEAD', '--']);
}

async function fetchCommit(
  git: SimpleGit,
  url: GitUrl,
  target: Extract<GitTarget, { kind: 'commit' }>,
  session: GitSession
): Promise<void> {
  try {
    await git.raw(['fetch', '--quiet', '--no-tags', '--depth', '1', '--', url.url, target.commit]);
  } catch (err) {
    // Servers speaking protocol v0 refuse a commit that is no ref tip ("not our ref", "unadvertised
    // object"); fetching the history that contains it works everywhere.
    const classified = classifyGitFailure(err, {
      target: describeTarget(target),
      url: url.url,
      secrets: session.secrets,
    });
    if (!(classified instanceof GitNotFoundError)) throw classified;
    const refspec = target.branch
      ? `+refs/heads/${target.branch}:refs/remotes/origin/${target.branch}`
      : '+refs/heads/*:refs/remotes/origin/*';
    await git.raw(['fetch', '--quiet', '--no-tags', '--', url.url, refspec]);
  }
  if (!(await hasCommit(git, target.commit))) {
    throw new GitNotFoundError(`${describeTarget(target)} not found in ${url.url}`);
  }
  await git.raw(['checkout', '--quiet', '--detach', target.commit, '--']);
}

async function hasCommit(git: SimpleGit, commit: string): Promise<boolean> {
  try {
    return (await git.raw(['rev-parse', '--quiet', '--verify', `${commit}^{commit}`])).trim() === commit;
  } catch {
    return false;
  }
}

/** Maps a failure to what the caller should see: cancellation as-is, a timeout, or a classified error. */
function failure(err: unknown, session: GitSession, url: GitUrl, target: GitTarget, control: GitControl): unknown {
  if (control.signal?.aborted) return control.signal.reason as unknown;
  if (session.timedOut()) {
    return new GitTransientError(`git timed out resolving ${describeTarget(target)} in ${url.url}; raise spec.timeout`);
  }
  return classifyGitFailure(err, { target: describeTarget(target), url: url.url, secrets: session.secrets });
}

/** The checkout directory, and how to undo its creation when the fetch fails. */
async function prepareDir(dir: string | undefined): Promise<{ dir: string; discard(): Promise<void> }> {
  if (dir === undefined) {
    const created = await mkdtemp(path.join(tmpdir(), 'ballast-git-'));
    return { dir: created, discard: () => rm(created, { recursive: true, force: true }) };
  }
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (entries === undefined) {
    await mkdir(dir, { recursive: true });
    return { dir, discard: () => rm(dir, { recursive: true, force: true }) };
  }
  if (entries.length > 0) throw new Error(`checkout directory ${dir} is not empty`);
  return { dir, discard: () => emptyDir(dir) };
}

async function emptyDir(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) await rm(path.join(dir, entry), { recursive: true, force: true });
}

/**
 * What the Git commit status providers share: the commit an event is about, the repository an
 * address names, and the credentials check (Flux's util.go and event.GetRevision).
 *
 * @module
 */
import type { FluxEvent } from '../../../api/events.js';
import { Reason } from '../../../api/reasons.js';
import { invalidConfig } from '../config-errors.js';
import type { ProviderTarget } from '../types.js';

/** Progressing events set no status (except Gitea's `pending`). */
export const isProgressing = (event: FluxEvent): boolean => event.reason === Reason.Progressing;

/**
 * The commit SHA of the event's revision: metadata `commit`, else `originRevision`, else
 * `revision` (after Alert metadata merging, so `kustomize.toolkit.fluxcd.io/revision` is `revision`),
 * in any Flux revision format: `main@sha1:<sha>`, `sha1:<sha>`, `main/<sha>`, `<sha>`.
 */
export function commitSha(event: FluxEvent, t: ProviderTarget): string {
  const m = event.metadata;
  const revision = m.commit ?? m.originRevision ?? m.revision;
  if (revision === undefined) throw invalidConfig(t, 'the event has no revision metadata to set a commit status on');
  const sha = hashOfRevision(revision);
  if (!/^[0-9a-f]{40}$/i.test(sha)) {
    throw invalidConfig(t, `failed to extract commit hash from '${revision}' revision`);
  }
  return sha;
}

/** The hash part of a revision (fluxcd/pkg git.ExtractHashFromRevision). */
export function hashOfRevision(revision: string): string {
  const colon = revision.lastIndexOf(':');
  if (colon !== -1) return revision.slice(colon + 1);
  const parts = revision.split('/');
  return parts[parts.length - 1]!;
}

/**
 * The host (`https://host[:port]`; ssh becomes https) and repository path (no leading `/`, no
 * `.git`) of a Git address: `https://github.com/org/app`, `ssh://git@host/org/app.git` or
 * `git@host:org/app.git`.
 */
export function parseGitAddress(t: ProviderTarget): { host: string; id: string } {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(t.address);
  let scheme: string;
  let host: string;
  let path: string;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(t.address)) {
    [scheme, host, path] = ['https', scp[1]!, scp[2]!];
  } else {
    let url: URL;
    try {
      url = new URL(t.address);
    } catch {
      throw invalidConfig(t, 'address is not a Git repository URL');
    }
    scheme = url.protocol === 'ssh:' ? 'https' : url.protocol.slice(0, -1);
    [host, path] = [url.host, decodeURIComponent(url.pathname)];
  }
  const id = path.replace(/^\/+/, '').replace(/\.git$/, '');
  if (host === '' || id === '')
    throw invalidConfig(t, 'address must name a repository, e.g. https://github.com/org/app');
  return { host: `${scheme}://${host}`, id };
}

/** `owner` and `repo` of an `owner/repo` id; anything else is a configuration error. */
export function ownerAndRepo(t: ProviderTarget, id: string): [string, string] {
  const parts = id.split('/');
  if (parts.length !== 2) throw invalidConfig(t, `invalid repository id '${id}': want <owner>/<repository>`);
  return [parts[0]!, parts[1]!];
}

/** The API token: Secret key `token`, else `password` (Flux accepts either for github, gitlab, gitea). */
export function requireToken(t: ProviderTarget): string {
  const token = t.token || t.password;
  if (!token) throw invalidConfig(t, `${t.type} needs an API token in the Secret's "token" key`);
  return token;
}

/** Parses a JSON response, treating an unreadable body as no data (then a status is set anyway). */
export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The result of a send that found the same status already set. */
export const UNCHANGED = { outcome: 'skipped', detail: 'the commit already has this status' } as const;
export const PROGRESSING = { outcome: 'skipped', detail: 'Progressing events set no commit status' } as const;

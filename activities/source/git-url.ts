/**
 * The URL policy of the Git source. A GitRepository URL reaches the `git` command line, where a
 * crafted value can run programs (`ext::sh -c …`), read local files (`file://`, plain paths) or be
 * parsed as an option (`-u…`, `--upload-pack=…`). Only these forms are accepted:
 *
 * - `https://host/path`, `http://host/path` — without user info: credentials belong in
 *   `spec.secretRef`, never in a URL that is logged, stored in status and shown in errors;
 * - `ssh://[user@]host[:port]/path` and the scp-like `user@host:path`;
 * - `file:///abs/path` — only with `allowLocal` (tests); plain local paths never.
 *
 * Everything else (remote-helper transports `<name>::…`, `git://`, `fd::`, options, control
 * characters) is refused with {@link GitInvalidUrlError}. Git is additionally told to use no other
 * protocol (`protocol.allow=never` plus an allow-list), so a redirect cannot switch transports.
 *
 * @module
 */
import { GitInvalidUrlError } from './git-errors.js';

/** A transport {@link parseGitUrl} accepts. */
export type GitTransport = 'https' | 'http' | 'ssh' | 'file';

/** A URL that passed the policy. */
export interface GitUrl {
  /** The URL exactly as given, which is what git receives. */
  url: string;
  transport: GitTransport;
  /** `scheme://host[:port]` for http(s): the only origin credentials are sent to. */
  origin?: string;
}

/** Options of {@link parseGitUrl}. */
export interface GitUrlPolicy {
  /** Accept `file://` URLs. For tests only: a controller must never read its own disk this way. */
  allowLocal?: boolean;
}

const FORMS = 'use https://, http://, ssh:// or user@host:path';
const SCHEME_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const REMOTE_HELPER = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const SCP_LIKE = /^([A-Za-z0-9._~-]+)@(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(.+)$/;

/**
 * Checks `raw` against the policy above.
 *
 * @throws GitInvalidUrlError naming the rule that was broken.
 * @example parseGitUrl('https://github.com/org/repo').origin // 'https://github.com'
 */
export function parseGitUrl(raw: string, policy: GitUrlPolicy = {}): GitUrl {
  if (raw === '' || raw.length > 2048) throw new GitInvalidUrlError('the Git URL must be 1 to 2048 characters long');
  // Whitespace and control characters split arguments or headers further down; no valid URL has them.
  if (/[\s\x00-\x1f\x7f]/.test(raw))
    throw new GitInvalidUrlError('the Git URL contains whitespace or control characters');
  if (raw.startsWith('-')) throw new GitInvalidUrlError(`the Git URL must not start with "-"; ${FORMS}`);
  if (REMOTE_HELPER.test(raw)) {
    throw new GitInvalidUrlError(`remote-helper transports ("<name>::…") are not allowed; ${FORMS}`);
  }
  const scheme = SCHEME_URL.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== undefined) return parseSchemeUrl(raw, scheme, policy);
  const scp = SCP_LIKE.exec(raw);
  if (scp) return parseScpLike(raw, scp);
  throw new GitInvalidUrlError(`"${redactUserInfo(raw)}" is not a supported Git URL; ${FORMS}`);
}

function parseSchemeUrl(raw: string, scheme: string, policy: GitUrlPolicy): GitUrl {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new GitInvalidUrlError(`"${redactUserInfo(raw)}" is not a valid URL`);
  }
  if (scheme === 'file') {
    if (!policy.allowLocal) throw new GitInvalidUrlError(`file:// URLs are not allowed; ${FORMS}`);
    if (u.host !== '' && u.host !== 'localhost') throw new GitInvalidUrlError('a file:// URL must not name a host');
    return { url: raw, transport: 'file' };
  }
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh') {
    throw new GitInvalidUrlError(`the "${scheme}" scheme is not supported; ${FORMS}`);
  }
  if (u.hostname === '' || u.hostname.startsWith('-')) {
    throw new GitInvalidUrlError(`"${redactUserInfo(raw)}" has no valid host`);
  }
  if (u.password !== '' || (scheme !== 'ssh' && u.username !== '')) {
    throw new GitInvalidUrlError('the Git URL must not contain credentials; put them in the Secret of spec.secretRef');
  }
  if (scheme === 'ssh') return { url: raw, transport: 'ssh' };
  return { url: raw, transport: scheme, origin: `${scheme}://${u.host}` };
}

function parseScpLike(raw: string, [, user, host, repoPath]: RegExpExecArray): GitUrl {
  // ssh receives user and host as one argument; a leading "-" would make it an ssh option.
  if (user?.startsWith('-') || host?.startsWith('-') || repoPath?.startsWith('-')) {
    throw new GitInvalidUrlError('no part of an scp-like Git URL may start with "-"');
  }
  return { url: raw, transport: 'ssh' };
}

/** `raw` with any user info (`user:password@`) masked, for messages about URLs that failed the policy. */
export function redactUserInfo(raw: string): string {
  return raw.replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/@]*@/,
    (_match, scheme: string | undefined) => `${scheme ?? ''}***@`
  );
}

/**
 * Errors of the Git source, classified so the activity wrapper can decide retries without looking
 * at class names in retry policies: every error carries the Flux {@link Reason} to write into
 * `Ready=False` and whether retrying can help. Messages are meant for the object's status, so they
 * say what to fix and never contain credentials: everything git prints goes through
 * {@link scrubSecrets} first.
 *
 * @module
 */
import { Reason } from '../../api/reasons.js';

/** Base of every error the Git source throws on purpose. */
export class GitSourceError extends Error {
  /** The Flux reason for `Ready=False`. */
  readonly reason: Reason = Reason.GitOperationFailed;
  /** False when a retry might succeed (network, server errors, timeouts). */
  readonly permanent: boolean = false;
  override readonly name: string = 'GitSourceError';
}

/** Credentials were refused, missing, or unusable (wrong password, unknown SSH host key). Permanent. */
export class GitAuthError extends GitSourceError {
  override readonly reason = Reason.AuthenticationFailed;
  override readonly permanent = true;
  override readonly name = 'GitAuthError';
}

/** The repository, ref, tag, commit or a tag matching the semver range does not exist. Permanent. */
export class GitNotFoundError extends GitSourceError {
  override readonly permanent = true;
  override readonly name = 'GitNotFoundError';
}

/** `spec.url` breaks the URL policy (see git-url.ts). Permanent. */
export class GitInvalidUrlError extends GitSourceError {
  override readonly reason = Reason.URLInvalid;
  override readonly permanent = true;
  override readonly name = 'GitInvalidUrlError';
}

/** `spec.ref` is malformed: an invalid ref name, semver range or commit SHA. Permanent. */
export class GitInvalidRefError extends GitSourceError {
  override readonly permanent = true;
  override readonly name = 'GitInvalidRefError';
}

/** Anything else: network failures, server errors, timeouts. Transient: retry. */
export class GitTransientError extends GitSourceError {
  override readonly name = 'GitTransientError';
}

/** What a failed git command was doing, to build a message a person can act on. */
export interface GitFailureContext {
  /** The thing being resolved, e.g. `branch "main"`. */
  target: string;
  /** The repository URL (already free of credentials by policy). */
  url: string;
  /** Secret values to mask wherever they appear. */
  secrets: readonly string[];
}

const AUTH_PATTERNS = [
  /authentication failed/i,
  /could not read (username|password)/i,
  /terminal prompts disabled/i,
  /access denied/i,
  /permission denied \(/i,
  /host key verification failed/i,
  /returned error: 40[13]/i,
  /invalid (username|credentials)/i,
  /no such identity/i,
  /bad permissions/i,
  /load key .*: invalid format/i,
];

const NOT_FOUND_PATTERNS = [
  /repository '.*' not found/i,
  /repository not found/i,
  /does not appear to be a git repository/i,
  /couldn't find remote ref/i,
  /not our ref/i,
  /does not allow request for unadvertised object/i,
  /returned error: 404/i,
  /remote branch .* not found/i,
  /could not be found or you don't have permission/i,
];

/**
 * Turns whatever a git command threw into a classified {@link GitSourceError} with a scrubbed,
 * actionable message. Errors that are already classified pass through unchanged.
 */
export function classifyGitFailure(err: unknown, ctx: GitFailureContext): GitSourceError {
  if (err instanceof GitSourceError) return err;
  const detail = gitDetail(err, ctx.secrets);
  if (AUTH_PATTERNS.some((p) => p.test(detail))) {
    return new GitAuthError(
      `authentication to ${ctx.url} failed: ${detail}; check the credentials (and known_hosts for SSH) in the Secret of spec.secretRef`
    );
  }
  if (NOT_FOUND_PATTERNS.some((p) => p.test(detail))) {
    return new GitNotFoundError(`${ctx.target} not found in ${ctx.url}: ${detail}`);
  }
  return new GitTransientError(`git failed resolving ${ctx.target} in ${ctx.url}: ${detail}`);
}

/** The useful lines of git's output (fatal/error/remote), scrubbed and capped at 500 characters. */
function gitDetail(err: unknown, secrets: readonly string[]): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const useful = lines.filter((l) => /^(fatal|error|remote|ERROR|ssh|git):/i.test(l));
  const joined = (useful.length > 0 ? useful : lines).join('; ');
  const scrubbed = scrubSecrets(joined, secrets);
  return scrubbed.length > 500 ? `${scrubbed.slice(0, 497)}...` : scrubbed || 'no output from git';
}

/**
 * Masks credentials in `text`: the given secret values (callers include derived forms such as the
 * base64 of a Basic-auth pair), user info in URLs, `Authorization` header values, Bearer/Basic tokens and private-key blocks.
 * Used on every message that may reach status, events or logs.
 *
 * @example scrubSecrets('https://u:p@h/r failed', []) // 'https://***@h/r failed'
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...secrets].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join('***');
  }
  return out
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '***')
    .replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@\s]+@/g, '$1***@')
    .replace(/(authorization:\s*)[^\r\n;]+/gi, '$1***')
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***');
}

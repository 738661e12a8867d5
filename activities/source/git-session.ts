/**
 * One isolated environment for the git commands of a single fetch or ls-remote: a private 0700
 * scratch directory as HOME, no user or system git config (a worker's ~/.gitconfig must not change
 * what a reconcile does), an allow-list of protocols, and credentials handed over without ever
 * touching a URL or the command line:
 *
 * - HTTPS Basic or Bearer: an `Authorization` header in git config passed through the environment
 *   (`GIT_CONFIG_KEY_n`, readable only by the worker's own user), scoped to the repository's origin
 *   (`http.<scheme://host:port>/.extraHeader`) so a redirect to another host never receives it;
 * - SSH: the identity and known_hosts written to 0600 files in the scratch directory and used via
 *   `GIT_SSH_COMMAND` with `StrictHostKeyChecking=yes` (host keys are always verified).
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { GitAuthError } from './git-errors.js';
import type { GitUrl } from './git-url.js';

/**
 * Credentials from the Secret named by `spec.secretRef`, under Flux's keys (`known_hosts` →
 * `knownHosts`). Only the ones matching the URL's transport are used; Bearer wins over Basic.
 * These never cross workflow history: the activity reads the Secret and passes them in-process.
 */
export interface GitCredentials {
  /** HTTPS Basic auth user. */
  username?: string;
  /** HTTPS Basic auth password or personal access token. */
  password?: string;
  /** HTTPS Bearer token. */
  bearerToken?: string;
  /** SSH private key (OpenSSH or PEM), unencrypted. */
  identity?: string;
  /** SSH known_hosts lines; required for every SSH URL. */
  knownHosts?: string;
}

/** A prepared environment; call {@link GitSession.dispose} when done. */
export interface GitSession {
  /** A simple-git instance running in `dir` with this session's environment and deadline. */
  git(dir: string): SimpleGit;
  /** The private scratch directory; also a safe working directory for commands that need no repository. */
  home: string;
  /** Secret values (and derived encodings) to scrub from messages. */
  secrets: readonly string[];
  /** Aborted when the deadline passes or the caller cancels. */
  signal: AbortSignal;
  /** True when the session's own deadline (not the caller) aborted it. */
  timedOut(): boolean;
  /** Removes the scratch directory and the credential files in it. */
  dispose(): Promise<void>;
}

/** Options of {@link openGitSession}. */
export interface GitSessionOptions {
  timeoutMs: number;
  /** Caller cancellation, e.g. the activity's cancellation signal. */
  signal?: AbortSignal;
}

/**
 * Prepares the environment for talking to `url` with `creds`.
 *
 * @throws GitAuthError when the credentials are incomplete (Basic without a password, SSH without known_hosts).
 */
export async function openGitSession(
  url: GitUrl,
  creds: GitCredentials | undefined,
  options: GitSessionOptions
): Promise<GitSession> {
  const home = await mkdtemp(path.join(tmpdir(), 'ballast-git-session-'));
  try {
    const config: [string, string][] = protocolAllowList(url);
    const secrets: string[] = [];
    const env = baseEnv(home);
    if ((url.transport === 'https' || url.transport === 'http') && url.origin) {
      const header = authorizationHeader(creds, secrets);
      if (header) config.push([`http.${url.origin}/.extraHeader`, header]);
    }
    if (url.transport === 'ssh') env.GIT_SSH_COMMAND = await sshCommand(home, creds, secrets);
    Object.assign(env, configEnv(config));
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    return {
      home,
      secrets,
      signal,
      timedOut: () => deadline.aborted,
      git: (dir) => simpleGitFor(dir, env, signal),
      dispose: () => rm(home, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(home, { recursive: true, force: true });
    throw err;
  }
}

/** Only the URL's own transport (and http→https redirects) may be used; `ext::` and friends never. */
function protocolAllowList(url: GitUrl): [string, string][] {
  const allowed = url.transport === 'http' || url.transport === 'https' ? ['http', 'https'] : [url.transport];
  return [['protocol.allow', 'never'], ...allowed.map((p): [string, string] => [`protocol.${p}.allow`, 'always'])];
}

/** A minimal environment: nothing inherited that could redirect git (GIT_DIR, GIT_SSH, askpass helpers). */
function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    // Messages are classified by their English text.
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // Repository discovery must never climb out of the directory git was started in.
    GIT_CEILING_DIRECTORIES: path.dirname(home),
  };
  // Egress proxies and CA bundles are deployment settings the worker must keep honouring.
  for (const key of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  for (const key of ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'TMPDIR']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function authorizationHeader(creds: GitCredentials | undefined, secrets: string[]): string | undefined {
  if (!creds) return undefined;
  if (creds.bearerToken) {
    secrets.push(creds.bearerToken);
    return `Authorization: Bearer ${creds.bearerToken}`;
  }
  const { username, password } = creds;
  if (!username && !password) return undefined;
  if (!username || !password) {
    throw new GitAuthError(
      'the Secret of spec.secretRef must contain both "username" and "password" for HTTPS basic auth'
    );
  }
  const encoded = Buffer.from(`${username}:${password}`).toString('base64');
  secrets.push(password, encoded);
  return `Authorization: Basic ${encoded}`;
}

/** Writes identity and known_hosts (0600) and returns the ssh command line that uses only them. */
async function sshCommand(home: string, creds: GitCredentials | undefined, secrets: string[]): Promise<string> {
  if (!creds?.knownHosts?.trim()) {
    throw new GitAuthError(
      'SSH URLs need "known_hosts" in the Secret of spec.secretRef: host keys are always verified (e.g. from ssh-keyscan)'
    );
  }
  const knownHosts = path.join(home, 'known_hosts');
  await writeFile(knownHosts, withNewline(creds.knownHosts), { mode: 0o600 });
  const args = [
    'ssh',
    '-F /dev/null',
    `-o UserKnownHostsFile=${shellQuote(knownHosts)}`,
    '-o GlobalKnownHostsFile=/dev/null',
    '-o StrictHostKeyChecking=yes',
    '-o BatchMode=yes',
    '-o IdentityAgent=none',
    '-o ConnectTimeout=30',
  ];
  if (creds.identity) {
    const identity = path.join(home, 'identity');
    // OpenSSH refuses a key file without a trailing newline ("invalid format").
    await writeFile(identity, withNewline(creds.identity), { mode: 0o600 });
    secrets.push(creds.identity);
    args.push(`-i ${shellQuote(identity)}`, '-o IdentitiesOnly=yes');
  }
  return args.join(' ');
}

const withNewline = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);

/** Quotes `s` for the POSIX shell git runs GIT_SSH_COMMAND through. */
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Git config as `GIT_CONFIG_COUNT`/`KEY_n`/`VALUE_n`, so values stay out of the process arguments. */
function configEnv(config: [string, string][]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

function simpleGitFor(dir: string, env: Record<string, string>, signal: AbortSignal): SimpleGit {
  return simpleGit({
    baseDir: dir,
    abort: signal,
    maxConcurrentProcesses: 1,
    // simple-git strips or refuses GIT_* variables and config that can run commands unless allowed;
    // every one allowed here is built above from fixed values, and the ones that matter (protocol
    // allow-list, ssh command) make git stricter, not looser.
    allowEnvironment: Object.keys(env),
    unsafe: {
      allowUnsafeConfigEnvCount: true,
      allowUnsafeConfigPaths: true,
      allowUnsafeProtocolOverride: true,
      allowUnsafeSshCommand: true,
    },
  }).env(env);
}

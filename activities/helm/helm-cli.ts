/**
 * Runs the helm binary once, in isolation: arguments as an array (never a shell), values in a
 * 0600 file inside a private 0700 directory, and `HELM_CACHE_HOME`/`HELM_CONFIG_HOME`/
 * `HELM_DATA_HOME` pointed into that directory so no user's repositories, registry logins or
 * plugins can leak in. The directory is removed when the command ends, whatever the outcome.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HelmContext } from './helm-types.js';
import { postRenderErrorsFile, writePostRenderPlugin, type PostRenderPlan } from './post-render.js';
import { processScratchDir } from '../process-scratch.js';

/** How long helm gets between SIGTERM (it then records the release as failed) and SIGKILL. */
const KILL_GRACE_MS = 10_000;

/** Deadline of commands that only read storage (status, history, get). */
export const READ_DEADLINE_MS = 60_000;

/**
 * Process deadline of a command that changes the cluster. Helm's `--timeout` bounds each operation
 * (apply, wait, every hook), not the command, so the process gets room for several; the caller's
 * signal (the activity's own timeout) is the real bound.
 */
export const mutationDeadline = (timeoutMs: number): number => timeoutMs * 3 + 60_000;

/** One helm invocation, in parts, so flags always precede `--` and positionals cannot be read as flags. */
export interface HelmInvocation {
  /** The subcommand words, e.g. `['get', 'values']`. */
  command: string[];
  flags: string[];
  /** Release name, chart path, revision: after `--`. */
  positionals: string[];
  /** Written to a private file and passed as `-f`. */
  values?: Record<string, unknown>;
  /** Deadline of the whole process; on expiry helm gets SIGTERM and the result has `timedOut`. */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Installs the kustomize post-renderer plugin for this invocation (the flag is the caller's). */
  postRender?: PostRenderPlan;
}

/** What a finished helm process left behind. */
export interface HelmOutput {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The deadline, not helm, ended the process. */
  timedOut: boolean;
}

/**
 * The environment helm runs with: nothing from the parent except `PATH` and what the context adds,
 * and helm's three home directories under `home`, set last so the context cannot move them.
 */
export function isolatedHelmEnv(
  home: string,
  extra: Record<string, string> = {},
  kubeCacheDir?: string
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...extra,
    HOME: home,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
    ...(kubeCacheDir ? { KUBECACHEDIR: kubeCacheDir } : {}),
  };
}

let kubeCache: Promise<string> | undefined;

/**
 * The apiserver discovery cache every helm process of this worker shares. In a fresh home each
 * helm call discovered every API group again before doing anything (the bulk of an install's
 * requests and much of its time in the benchmark). Discovery is what any authenticated user may
 * read, so sharing it across tenants reveals nothing; the directory is private (mkdtemp, 0700),
 * so no other local user can plant answers in it. Entries expire after 6 h, and kubectl's REST
 * mapper rediscovers when a kind is missing (a CRD installed since).
 */
function sharedKubeCacheDir(): Promise<string> {
  kubeCache ??= processScratchDir('ballast-kubecache-');
  return kubeCache;
}

/** Connection and identity flags every cluster-facing call carries. */
export function globalFlags(ctx: HelmContext): string[] {
  const flags = ['--kubeconfig', ctx.kubeconfigPath];
  if (ctx.kubeContext !== undefined) flags.push('--kube-context', ctx.kubeContext);
  if (ctx.impersonate) {
    flags.push('--kube-as-user', ctx.impersonate.user);
    for (const group of ctx.impersonate.groups ?? []) flags.push('--kube-as-group', group);
  }
  return flags;
}

/**
 * Runs one helm command to completion. Never throws for a non-zero exit (the caller classifies
 * it); throws the signal's reason when the caller cancelled, so a Temporal cancellation propagates
 * unchanged, and a plain Error when the binary cannot be started.
 */
export async function runHelm(ctx: HelmContext, call: HelmInvocation): Promise<HelmOutput> {
  call.signal?.throwIfAborted();
  const home = await mkdtemp(path.join(tmpdir(), 'ballast-helm-'));
  try {
    const flags = [...call.flags, ...globalFlags(ctx)];
    if (call.values) {
      const file = path.join(home, 'values.json');
      // JSON is YAML, and a 0600 file created exclusively cannot be read or pre-planted by others.
      await writeFile(file, JSON.stringify(call.values), { mode: 0o600, flag: 'wx' });
      flags.push('-f', file);
    }
    const argv = [...call.command, ...flags, '--', ...call.positionals];
    const postRender = Boolean(call.postRender?.kustomizations.length);
    const pluginEnv = call.postRender && postRender ? await writePostRenderPlugin(home, call.postRender) : {};
    const env = isolatedHelmEnv(home, { ...ctx.env, ...pluginEnv }, await sharedKubeCacheDir());
    const output = await spawnHelm(ctx.binary, argv, env, call);
    if (call.signal?.aborted) throw call.signal.reason;
    if (postRender && output.code !== 0) {
      const errors = await readFile(postRenderErrorsFile(home), 'utf8').catch(() => '');
      if (errors.trim()) output.stderr = `${output.stderr.trimEnd()}\npost-renderer kustomize: ${errors.trim()}\n`;
    }
    return output;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * `setpriv --pdeathsig TERM --` on Linux when util-linux's setpriv is on PATH, else nothing.
 *
 * Why: a worker that is SIGKILLed (OOM, node loss, `kill -9`) cannot stop its helm child, and an
 * orphaned `helm upgrade --wait` keeps the release `pending-upgrade` — locked — for up to its
 * whole timeout, racing whatever the retried activity on another worker does. With a parent-death
 * signal the kernel sends helm SIGTERM the moment the worker dies, and helm records the release
 * as failed, so the retry finds it unlocked. Inside a container the runtime kills the whole
 * process group anyway; this covers workers run directly on a host.
 */
export function parentDeathPrefix(): string[] {
  if (process.platform !== 'linux') return [];
  if (setprivPath === undefined) setprivPath = findOnPath('setpriv') ?? '';
  return setprivPath ? [setprivPath, '--pdeathsig', 'TERM', '--'] : [];
}
let setprivPath: string | undefined;

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const candidate = path.join(dir || '.', name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

function spawnHelm(
  binary: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  call: Pick<HelmInvocation, 'deadlineMs' | 'signal'>
): Promise<HelmOutput> {
  return new Promise((resolve, reject) => {
    const [command = binary, ...prefixArgs] = [...parentDeathPrefix(), binary];
    const child = spawn(command, [...prefixArgs, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    // SIGTERM first: helm then cancels its context and records the release as failed instead of
    // leaving it pending-*, which would lock it for every later operation.
    const terminate = (): void => {
      if (killer || child.exitCode !== null) return;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      terminate();
    }, call.deadlineMs);
    call.signal?.addEventListener('abort', terminate, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const done = (): void => {
      clearTimeout(deadline);
      clearTimeout(killer);
      call.signal?.removeEventListener('abort', terminate);
    };
    child.on('error', (err) => {
      done();
      reject(new Error(`cannot run helm at ${binary}: ${err.message}`));
    });
    child.on('close', (code) => {
      done();
      const err = Buffer.concat(stderr).toString('utf8');
      // setpriv reports a binary it cannot exec itself (exit 127), where a direct spawn fails with 'error'.
      if (code === 127 && prefixArgs.length > 0 && err.startsWith('setpriv:')) {
        reject(new Error(`cannot run helm at ${binary}: ${err.trim()}`));
        return;
      }
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: err,
        timedOut,
      });
    });
  });
}

/**
 * Ballast as the benchmark runs it: the worker (workers/worker-main.ts) and a namespace-scoped
 * controller (bench/controller-process.ts), each in its own OS process so /proc gives each one's
 * own peak RSS and CPU time. Both run compiled, from `dist/` (tools/build.ts), as the image runs
 * them: through tsx a worker holds about 60 MiB more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../tools/localenv/ports.js';
import { DIST } from '../tools/build.js';
import type { MemoryCgroup } from './memory-cgroup.js';
import { toolPath } from '../tools/toolchain/build.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** What bench/controller-process.ts prints once its informers have synced. */
export const CONTROLLER_READY_LINE = 'bench-controller-ready';
const START_TIMEOUT_MS = 60_000;

/** Where Ballast connects and what it is called. */
export interface BallastTarget {
  kubeconfigPath: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  clusterName: string;
  artifactDir: string;
  namespace: string;
}

/** One running Ballast process. */
export interface BallastProcess {
  name: 'worker' | 'controller';
  pid: number;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the worker and the controller from `dist/` (the caller builds it), logging to
 * `<logDir>/<name>.log`; resolves once both are ready.
 */
export async function startBallastProcesses(
  target: BallastTarget,
  logDir: string,
  workerCgroup?: Pick<MemoryCgroup, 'procsFile'>
): Promise<BallastProcess[]> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: target.temporalAddress,
    TEMPORAL_NAMESPACE: target.temporalNamespace,
    KUBECONFIG: target.kubeconfigPath,
    BALLAST_TASK_QUEUE: target.taskQueue,
    BALLAST_CLUSTER_NAME: target.clusterName,
    BALLAST_ARTIFACT_DIR: target.artifactDir,
    BALLAST_KUSTOMIZE: toolPath('kustomize'),
    BALLAST_HELM: toolPath('helm'),
    BALLAST_LOG_LEVEL: process.env.BALLAST_LOG_LEVEL ?? 'warn',
    BALLAST_SHUTDOWN_GRACE: '0s',
    BENCH_NAMESPACE: target.namespace,
  };
  const workerHttp = `127.0.0.1:${await freePort()}`;
  const worker = start(
    'worker',
    'workers/worker-main.ts',
    logDir,
    { ...env, BALLAST_HTTP_ADDRESS: workerHttp, BALLAST_TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` },
    // Profiling the worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (written when it exits).
    process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
    workerCgroup
  );
  const controller = start('controller', 'bench/controller-process.ts', logDir, env);
  const stopBoth = (): Promise<unknown> => Promise.all([worker.stop(), controller.stop()]);
  try {
    await Promise.all([
      waitUntil(worker, () => workerReady(workerHttp)),
      waitUntil(controller, () => Promise.resolve(controller.output().includes(CONTROLLER_READY_LINE))),
    ]);
  } catch (err) {
    await stopBoth();
    throw err;
  }
  return [worker, controller];
}

async function workerReady(address: string): Promise<boolean> {
  return (await fetch(`http://${address}/readyz`).catch(() => undefined))?.ok ?? false;
}

/** Polls `ready` until true; fails when the process exits first or after START_TIMEOUT_MS. */
async function waitUntil(p: Started, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await ready())) {
    if (p.hasExited()) throw new Error(`benchmark: the ${p.name} exited while starting; see ${p.logFile}`);
    if (Date.now() > deadline)
      throw new Error(`benchmark: the ${p.name} was not ready within ${START_TIMEOUT_MS / 1000} s; see ${p.logFile}`);
    await sleep(200);
  }
}

interface Started extends BallastProcess {
  logFile: string;
  hasExited(): boolean;
  /** Its stdout so far (the controller's ready line). */
  output(): string;
}

function start(
  name: BallastProcess['name'],
  entry: string,
  logDir: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
  cgroup?: Pick<MemoryCgroup, 'procsFile'>
): Started {
  const compiled = path.join(DIST, entry.replace(/\.ts$/, '.js'));
  const argv = [process.execPath, ...nodeArgs, compiled];
  // Joins the cgroup before exec, so Node reads the limit at start-up as it does in a pod.
  const [command, ...args] = cgroup ? ['sh', '-c', `echo $$ > '${cgroup.procsFile}' && exec "$0" "$@"`, ...argv] : argv;
  const child = spawn(command!, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-4096)));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid === undefined) throw new Error(`benchmark: could not start the ${name} (${entry})`);
  return {
    name,
    pid: child.pid,
    logFile,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    output: () => stdout,
    stop: () => stopChild(child, exited),
  };
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. Shared with bench/flux-processes.ts. */
export async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

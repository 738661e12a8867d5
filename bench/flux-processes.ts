/**
 * Flux's controllers as the benchmark runs them beside Ballast: source-controller plus the one
 * controller of the benchmarked kind, out of cluster against the bench's apiserver, watching only
 * the Flux phase's namespace, each its own OS process so /proc gives each one's CPU and peak RSS.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../tools/localenv/ports.js';
import { stopChild } from './ballast-processes.js';
import { toolPath } from '../tools/toolchain/build.js';
import type { ToolName } from '../tools/toolchain/tools.js';
import type { BenchKind } from './sources.js';

const START_TIMEOUT_MS = 60_000;

/**
 * `--concurrent` per controller: what Flux's own MTTP benchmark (fluxcd/flux-benchmark) runs with,
 * not the binaries' defaults (2 / 4 / 4), so Ballast is compared with Flux tuned for the job.
 */
export const FLUX_CONCURRENCY = {
  'source-controller': 10,
  'kustomize-controller': 20,
  'helm-controller': 10,
} as const;

export type FluxControllerName = keyof typeof FLUX_CONCURRENCY;

/** One running Flux controller. */
export interface FluxProcess {
  name: FluxControllerName;
  pid: number;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Where the controllers connect and keep their files. */
export interface FluxTarget {
  kubeconfigPath: string;
  /** The only namespace they watch (RUNTIME_NAMESPACE with --watch-all-namespaces=false). */
  namespace: string;
  /** source-controller's artifact storage. */
  storageDir: string;
  logDir: string;
}

/** The controllers a kind needs: its own and source-controller, which fetches its sources. */
export function fluxControllersFor(kind: BenchKind): FluxControllerName[] {
  return ['source-controller', kind === 'kustomization' ? 'kustomize-controller' : 'helm-controller'];
}

/** Starts the controllers for `kind`; resolves once each answers /readyz. */
export async function startFluxProcesses(kind: BenchKind, target: FluxTarget): Promise<FluxProcess[]> {
  const started: Started[] = [];
  try {
    for (const name of fluxControllersFor(kind)) started.push(await startController(name, target));
    await Promise.all(started.map((p) => waitReady(p)));
  } catch (err) {
    await Promise.all(started.map((p) => p.stop()));
    throw err;
  }
  return started;
}

interface Started extends FluxProcess {
  healthAddress: string;
  logFile: string;
  hasExited(): boolean;
}

async function startController(name: FluxControllerName, target: FluxTarget): Promise<Started> {
  const healthAddress = `127.0.0.1:${await freePort()}`;
  const args = [
    `--metrics-addr=127.0.0.1:${await freePort()}`,
    `--health-addr=${healthAddress}`,
    '--enable-leader-election=false',
    '--watch-all-namespaces=false',
    `--concurrent=${FLUX_CONCURRENCY[name]}`,
    '--log-level=error',
  ];
  if (name === 'source-controller') {
    const storage = `127.0.0.1:${await freePort()}`;
    args.push(`--storage-path=${target.storageDir}`, `--storage-addr=${storage}`, `--storage-adv-addr=${storage}`);
  }
  const child = spawn(toolPath(`flux-${name}` as ToolName), args, {
    env: { ...process.env, KUBECONFIG: target.kubeconfigPath, RUNTIME_NAMESPACE: target.namespace },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logFile = path.join(target.logDir, `flux-${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid === undefined) throw new Error(`benchmark: could not start Flux's ${name}; see ${logFile}`);
  return {
    name,
    pid: child.pid,
    healthAddress,
    logFile,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child, exited),
  };
}

async function waitReady(p: Started): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`http://${p.healthAddress}/readyz`).catch(() => undefined);
    if (res?.ok) return;
    if (p.hasExited()) throw new Error(`benchmark: Flux's ${p.name} exited while starting; see ${p.logFile}`);
    if (Date.now() > deadline)
      throw new Error(
        `benchmark: Flux's ${p.name} was not ready within ${START_TIMEOUT_MS / 1000} s; see ${p.logFile}`
      );
    await sleep(200);
  }
}

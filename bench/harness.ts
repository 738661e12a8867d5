/**
 * One benchmark run: N Kustomizations (or HelmReleases) created at once against the local
 * environment, timed until all are Ready, with what it cost the apiserver, the Ballast processes
 * and the Temporal server; then the floor (the same objects applied directly) for comparison.
 *
 * @example
 * const result = await runBench({ kind: 'kustomization', count: 100, sources: '1' });
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { workflowIdFor } from '../api/workflow-ids.js';
import { installCrds } from '../client/install-crds.js';
import { startLocalEnv } from '../tools/localenv/index.js';
import { KUBERNETES_VERSION, TEMPORAL_CLI_VERSION } from '../tools/toolchain/versions.js';
import { apiserverRequestsByKind, apiserverRequestTotal, requestDelta } from './apiserver-requests.js';
import { cleanup } from './cleanup.js';
import { createAll } from './create-all.js';
import { runFluxPhase, type FluxResult } from './flux-phase.js';
import { build } from '../tools/build.js';
import { createMemoryCgroup, type MemoryCgroup } from './memory-cgroup.js';
import { startBallastProcesses, type BallastProcess } from './ballast-processes.js';
import { FLOOR_CONCURRENCY, measureFloor } from './floor.js';
import { sampleHistories, spreadSample, type HistoryStats } from './history-sample.js';
import { findControlPlanePids, findTemporalServerPid, machineCpuTicks, ProcessTracker, round } from './proc-stats.js';
import { prepareWorkload, type BenchKind, type SourcesMode, type Workload } from './sources.js';
import { readyFigures, waitAllReady } from './wait-ready.js';
import { appNames } from './workload.js';

/** What to run. */
export interface BenchOptions {
  kind: BenchKind;
  count: number;
  sources: SourcesMode;
  /**
   * Give up waiting for all-Ready after this long; default 10 minutes + 2 s per object, longer than
   * an activity's start-to-close timeout, so a lost activity shows as a slow tail, not a failed run.
   */
  timeoutMs?: number;
  /**
   * Also run Flux's controllers on the same objects, after Ballast (bench/flux-phase.ts). Only
   * against the benchmark's own environment: it swaps the cluster's CRDs for Flux's meanwhile.
   */
  flux?: boolean;
  /**
   * Run the worker in a memory cgroup with this limit, as a pod's `resources.limits.memory` would
   * (bench/memory-cgroup.ts): Node sizes its heap from it. Needs root and a writable memory cgroup.
   */
  workerMemoryLimitMiB?: number;
  /** Directory for the Ballast processes' logs; default a fresh temporary one. */
  logDir?: string;
  log?: (line: string) => void;
}

/** CPU seconds used during the run and peak RSS, per process. */
export type ProcessCosts = Record<string, { cpuSeconds: number; peakRssMiB: number }>;

/** Everything one run measured. */
export interface BenchResult {
  kind: BenchKind;
  count: number;
  sources: SourcesMode;
  startedAt: string;
  machine: { cores: number; cpu: string; memoryGiB: number; platform: string };
  versions: { node: string; temporalCli: string; kubernetes: string };
  /** `own`: started for this run; `shared`: the one named by BALLAST_TEST_* (other clients add noise). */
  environment: 'own' | 'shared';
  ballast: {
    /** Seconds from the first create to every object Ready. */
    readySeconds: number;
    /** Seconds from the first create to the first object Ready. */
    firstReadySeconds: number;
    /** Seconds by which half (p50) and 95 % (p95) of the objects were Ready (seen by a 1 s poll). */
    p50ReadySeconds: number;
    p95ReadySeconds: number;
    readyObjects: number;
    /** Requests the apiserver served during the run, all clients. */
    apiserverRequests: number;
    /** Those requests per "VERB resource", most first (all clients, the benchmark's own included). */
    requestsByKind?: Record<string, number>;
    /** Of those, the benchmark's own (creates and Ready polls). */
    harnessRequests: number;
    processes: ProcessCosts;
    /** Share of the machine's CPU time (all cores, all processes) that was busy during the run, 0–1. */
    machineBusy?: number;
    /** Why a process is missing from `processes`, when one is. */
    notes: string[];
    /** The worker's memory cgroup limit (`--worker-memory-limit`), and the cgroup's own peak use. */
    workerMemory?: { limitMiB: number; cgroupPeakMiB: number };
    /** Histories of a sample of the N objects' workflows (one reconcile each). */
    history: HistoryStats;
    /** Histories of a sample of the source workflows. */
    sourceHistory: HistoryStats;
  };
  floor: { seconds: number; concurrency: number; objects: number; apiserverRequests: number };
  /** ballast.readySeconds / floor.seconds. */
  ballastOverFloor: number;
  /** The same run with Flux's controllers instead of Ballast (`--flux`). */
  flux?: FluxResult;
  /** ballast.readySeconds / flux.readySeconds: above 1, Ballast is slower. */
  ballastOverFlux?: number;
}

const HISTORY_SAMPLE = 5;

/** Runs the benchmark once; starts (and stops) its own local environment unless BALLAST_TEST_* name one. */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  if (!Number.isInteger(opts.count) || opts.count < 1)
    throw new Error(`benchmark: count must be a positive whole number, got ${opts.count}`);
  const log = opts.log ?? ((line: string) => console.error(line));
  const shared = sharedEnv();
  if (opts.flux && shared)
    throw new Error(
      'benchmark: --flux swaps the cluster CRDs for Flux ones, so it runs only against its own environment; unset BALLAST_TEST_KUBECONFIG and BALLAST_TEST_TEMPORAL_ADDRESS'
    );
  const own = shared ? undefined : await startLocalEnv({ log });
  const env = shared ?? {
    kubeconfigPath: own!.kubeconfigPath,
    temporalAddress: own!.temporal.address,
    temporalNamespace: own!.temporal.namespace,
  };
  try {
    return await runAgainst(env, own ? 'own' : 'shared', opts, log);
  } finally {
    await own?.stop();
  }
}

interface EnvRef {
  kubeconfigPath: string;
  temporalAddress: string;
  temporalNamespace: string;
}

function sharedEnv(): EnvRef | undefined {
  const { BALLAST_TEST_KUBECONFIG: kubeconfigPath, BALLAST_TEST_TEMPORAL_ADDRESS: temporalAddress } = process.env;
  return kubeconfigPath && temporalAddress
    ? { kubeconfigPath, temporalAddress, temporalNamespace: 'default' }
    : undefined;
}

/** Ballast's phase and the floor, then (`flux`) Flux's phase on the same served sources. */
async function runAgainst(
  env: EnvRef,
  environment: BenchResult['environment'],
  opts: BenchOptions,
  log: (line: string) => void
): Promise<BenchResult> {
  const kc = new KubeConfig();
  kc.loadFromFile(env.kubeconfigPath);
  await installCrds(kc);
  const id = randomBytes(3).toString('hex');
  const names = appNames(opts.count);
  const logDir = opts.logDir ?? (await mkdtemp(path.join(tmpdir(), 'ballast-bench-')));
  await mkdir(logDir, { recursive: true });
  const timeoutMs = opts.timeoutMs ?? 600_000 + 2_000 * opts.count;
  const workload = await prepareWorkload(opts.kind, names, opts.sources);
  try {
    const result = await runBallastPhase(kc, env, environment, opts, { workload, names, id, logDir, timeoutMs }, log);
    if (!opts.flux) return result;
    const flux = await runFluxPhase({
      kc,
      kubeconfigPath: env.kubeconfigPath,
      kind: opts.kind,
      count: opts.count,
      workload,
      namespace: `bench-flux-${id}`,
      logDir,
      timeoutMs,
      log,
    });
    return { ...result, flux, ballastOverFlux: round(result.ballast.readySeconds / flux.readySeconds, 2) };
  } finally {
    await workload.close();
  }
}

async function runBallastPhase(
  kc: KubeConfig,
  env: EnvRef,
  environment: BenchResult['environment'],
  opts: BenchOptions,
  run: { workload: Workload; names: string[]; id: string; logDir: string; timeoutMs: number },
  log: (line: string) => void
): Promise<BenchResult> {
  const { workload, names, id, logDir } = run;
  const core = kc.makeApiClient(CoreV1Api);
  const ns = `bench-${id}`;
  const floorNs = `bench-floor-${id}`;
  const artifactDir = await mkdtemp(path.join(tmpdir(), 'ballast-bench-artifacts-'));
  const target = {
    ...env,
    taskQueue: `bench-${id}`,
    clusterName: `bench-${id}`,
    artifactDir,
    namespace: ns,
  };
  const connection = await Connection.connect({ address: env.temporalAddress });
  const temporal = new Client({ connection, namespace: env.temporalNamespace });
  let ballast: BallastProcess[] = [];
  let cgroup: MemoryCgroup | undefined;
  try {
    if (opts.workerMemoryLimitMiB) cgroup = await createMemoryCgroup(`ballast-bench-${id}`, opts.workerMemoryLimitMiB);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    log(`bench: ${opts.count} ${opts.kind}s, sources ${opts.sources}, namespace ${ns}, logs ${logDir}`);
    log(`bench: compiled dist/ in ${(await build()).toFixed(1)} s (the worker and controller run compiled)`);
    ballast = await startBallastProcesses(target, logDir, cgroup);
    if (cgroup) log(`bench: the worker runs in a memory cgroup limited to ${cgroup.limitMiB} MiB`);
    const { tracker, notes } = trackProcesses(
      ballast,
      env.temporalAddress,
      Number(new URL(kc.getCurrentCluster()?.server ?? 'https://127.0.0.1:443').port)
    );
    const machineBefore = machineCpuTicks();
    const before = await apiserverRequestTotal(kc);
    const beforeByKind = await apiserverRequestsByKind(kc);
    tracker.start();
    const started = performance.now();
    const harnessRequests = { n: 0 };
    await createAll(kc, ns, [...workload.sources, ...workload.objects], harnessRequests);
    const ready = await waitAllReady(kc, ns, workload.readyKind, opts.count, started, harnessRequests, {
      timeoutMs: run.timeoutMs,
      log,
    });
    const processes = tracker.stop();
    const machineAfter = machineCpuTicks();
    const machineBusy = round(
      (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
      2
    );
    const apiserverRequests = (await apiserverRequestTotal(kc)) - before - 2;
    const requestsByKind = requestDelta(beforeByKind, await apiserverRequestsByKind(kc));
    log(
      `bench: apiserver requests by kind: ${Object.entries(requestsByKind)
        .slice(0, 12)
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')}`
    );
    log(
      `bench: all ${opts.count} Ready in ${ready.allSeconds.toFixed(1)} s; machine CPU ${Math.round(machineBusy * 100)} % busy`
    );
    const wf = (kind: string, name: string): string =>
      workflowIdFor({ cluster: target.clusterName, kind, namespace: ns, name });
    const history = await sampleHistories(
      temporal,
      spreadSample(workload.objects, HISTORY_SAMPLE).map((o) => wf(o.kind.kind, o.name))
    );
    log(
      `bench: per reconcile, ms queued / running: ${Object.entries(history.timing)
        .map(([k, t]) => `${k} ${t.queuedMs} / ${t.runMs}`)
        .join('; ')}`
    );
    const sourceHistory = await sampleHistories(
      temporal,
      spreadSample(workload.sources, HISTORY_SAMPLE).map((o) => wf(o.kind.kind, o.name))
    );
    const floor = await runFloor(kc, core, floorNs, names, log);
    return {
      kind: opts.kind,
      count: opts.count,
      sources: opts.sources,
      startedAt: new Date().toISOString(),
      machine: {
        cores: os.availableParallelism(),
        cpu: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        platform: `${os.platform()} ${os.release()}`,
      },
      versions: { node: process.version, temporalCli: TEMPORAL_CLI_VERSION, kubernetes: KUBERNETES_VERSION },
      environment,
      ballast: {
        ...readyFigures(ready),
        apiserverRequests,
        requestsByKind,
        harnessRequests: harnessRequests.n,
        processes,
        machineBusy,
        notes,
        ...(cgroup
          ? { workerMemory: { limitMiB: cgroup.limitMiB, cgroupPeakMiB: round(await cgroup.peakMiB(), 0) } }
          : {}),
        history,
        sourceHistory,
      },
      floor,
      ballastOverFloor: round(ready.allSeconds / floor.seconds, 1),
    };
  } finally {
    await cleanup(
      kc,
      [ns, floorNs],
      [workload.readyKind, ...new Set(workload.sources.map((o) => o.kind))],
      ballast,
      log
    );
    await connection.close();
    await rm(artifactDir, { recursive: true, force: true });
    await cgroup?.remove().catch((err: unknown) => log(`bench: memory cgroup not removed: ${String(err)}`));
  }
}

/** The worker and controller (started here) and the Temporal server (found by its port), or a note why not. */
function trackProcesses(
  ballast: BallastProcess[],
  temporalAddress: string,
  apiserverPort: number
): { tracker: ProcessTracker; notes: string[] } {
  const pids: Record<string, { pid: number; ownLifetime: boolean }> = {};
  for (const p of ballast) pids[p.name] = { pid: p.pid, ownLifetime: true };
  const notes: string[] = [];
  const port = Number(temporalAddress.split(':').pop());
  const temporalPid = findTemporalServerPid(port);
  if (temporalPid !== undefined) pids.temporal = { pid: temporalPid, ownLifetime: false };
  else
    notes.push(
      `temporal: no local 'temporal server start-dev --port ${port}' process found (remote server?); its costs are not measured`
    );
  const controlPlane = findControlPlanePids(apiserverPort);
  for (const [name, pid] of Object.entries(controlPlane)) if (pid) pids[name] = { pid, ownLifetime: false };
  return { tracker: new ProcessTracker(pids), notes };
}

async function runFloor(
  kc: KubeConfig,
  core: CoreV1Api,
  ns: string,
  names: string[],
  log: (line: string) => void
): Promise<BenchResult['floor']> {
  await core.createNamespace({ body: { metadata: { name: ns } } });
  const before = await apiserverRequestTotal(kc);
  const seconds = await measureFloor(kc, ns, names);
  const apiserverRequests = (await apiserverRequestTotal(kc)) - before - 1;
  log(`bench: floor: ${names.length * 4} objects applied in ${seconds.toFixed(1)} s`);
  return { seconds: round(seconds, 2), concurrency: FLOOR_CONCURRENCY, objects: names.length * 4, apiserverRequests };
}

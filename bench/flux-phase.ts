/**
 * The benchmark's Flux phase (`--flux`): after Ballast's phase has been cleaned up and Ballast
 * stopped, the same objects, pointing at the same served sources, are created in a fresh namespace
 * with Flux's own CRDs installed and Flux's controllers running, and measured the same way.
 * Ballast's CRDs are put back afterwards. The two never run at once: they serve the same kinds.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FLUX_VERSION } from '../tools/toolchain/versions.js';
import { TOOLS, type ToolName } from '../tools/toolchain/tools.js';
import { apiserverRequestTotal } from './apiserver-requests.js';
import { cleanup } from './cleanup.js';
import { createAll } from './create-all.js';
import { fluxCrds, restoreBallastCrds, useFluxCrds } from './flux-crds.js';
import {
  FLUX_CONCURRENCY,
  fluxControllersFor,
  startFluxProcesses,
  type FluxControllerName,
  type FluxProcess,
} from './flux-processes.js';
import { ProcessTracker } from './proc-stats.js';
import type { BenchKind, ObjectToCreate, Workload } from './sources.js';
import { readyFigures, waitAllReady } from './wait-ready.js';

/** What the Flux phase measured; the same numbers as Ballast's phase, where Flux has them. */
export interface FluxResult {
  version: string;
  /** Each controller run: its version and --concurrent. */
  controllers: Partial<Record<FluxControllerName, { version: string; concurrent: number }>>;
  readySeconds: number;
  firstReadySeconds: number;
  p50ReadySeconds: number;
  p95ReadySeconds: number;
  readyObjects: number;
  apiserverRequests: number;
  harnessRequests: number;
  /** Per controller: CPU seconds used during the run and peak RSS. */
  processes: Record<string, { cpuSeconds: number; peakRssMiB: number }>;
}

/** What the phase needs from the run around it. */
export interface FluxPhaseInput {
  kc: KubeConfig;
  kubeconfigPath: string;
  kind: BenchKind;
  count: number;
  workload: Workload;
  namespace: string;
  logDir: string;
  timeoutMs: number;
  log: (line: string) => void;
}

/** Runs the Flux phase; the cluster holds Ballast's CRDs again when it returns or throws. */
export async function runFluxPhase(input: FluxPhaseInput): Promise<FluxResult> {
  const { kc, workload, namespace: ns, log } = input;
  const names = fluxControllersFor(input.kind);
  const created = await useFluxCrds(kc, await fluxCrds(names));
  const storageDir = await mkdtemp(path.join(tmpdir(), 'ballast-bench-flux-storage-'));
  let flux: FluxProcess[] = [];
  try {
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    log(`bench: Flux ${FLUX_VERSION} (${names.join(', ')}), namespace ${ns}`);
    flux = await startFluxProcesses(input.kind, {
      kubeconfigPath: input.kubeconfigPath,
      namespace: ns,
      storageDir,
      logDir: input.logDir,
    });
    const tracker = new ProcessTracker(
      Object.fromEntries(flux.map((p) => [p.name, { pid: p.pid, ownLifetime: true }]))
    );
    const before = await apiserverRequestTotal(kc);
    tracker.start();
    const started = performance.now();
    const harnessRequests = { n: 0 };
    await createAll(kc, ns, [...workload.sources, ...workload.objects.map((o) => forFlux(o, ns))], harnessRequests);
    const ready = await waitAllReady(kc, ns, workload.readyKind, input.count, started, harnessRequests, {
      timeoutMs: input.timeoutMs,
      log,
    });
    const processes = tracker.stop();
    const apiserverRequests = (await apiserverRequestTotal(kc)) - before - 1;
    log(`bench: Flux: all ${input.count} Ready in ${ready.allSeconds.toFixed(1)} s`);
    return {
      version: FLUX_VERSION,
      controllers: Object.fromEntries(
        names.map((n) => [n, { version: TOOLS[`flux-${n}` as ToolName].version, concurrent: FLUX_CONCURRENCY[n] }])
      ),
      ...readyFigures(ready),
      apiserverRequests,
      harnessRequests: harnessRequests.n,
      processes,
    };
  } finally {
    await cleanup(kc, [ns], [workload.readyKind, ...new Set(workload.sources.map((o) => o.kind))], flux, log);
    await restoreBallastCrds(kc, created);
    await rm(storageDir, { recursive: true, force: true });
  }
}

/**
 * The object as Flux needs it: kustomize-controller refuses a namespaced object without a namespace
 * ("namespace not specified") where Ballast puts it in the Kustomization's own, so a Kustomization
 * names that namespace as its targetNamespace and both land the apps in the same place.
 */
export function forFlux(o: ObjectToCreate, namespace: string): ObjectToCreate {
  return o.kind.kind === 'Kustomization' ? { ...o, spec: { ...o.spec, targetNamespace: namespace } } : o;
}

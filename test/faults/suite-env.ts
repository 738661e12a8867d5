/**
 * The fault suite's own local environment: it kills Temporal and kube-apiserver, so it never uses
 * the shared environment of `npm test` (BALLAST_TEST_* are ignored on purpose). One environment
 * serves every scenario; each scenario gets its own namespace, controller, task queue and worker.
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import path from 'node:path';
import { startLocalEnv, type LocalEnv } from '../../tools/localenv/index.js';
import { startBallast, type BallastHarness } from '../support/ballast.js';
import { TestCluster } from '../support/cluster.js';
import type { TestEnv } from '../support/local-env.js';
import { uniqueName } from '../support/names.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

export interface FaultSuite {
  env: LocalEnv;
  testEnv: TestEnv;
  /** How long kube-apiserver stays down in an apiserver-outage scenario. */
  outageMs: number;
  stop(): Promise<void>;
}

export async function startFaultSuite(opts: { outageMs: number; log?: (line: string) => void }): Promise<FaultSuite> {
  const env = await startLocalEnv({ log: opts.log ?? ((line) => console.error(line)) });
  const testEnv: TestEnv = {
    kubeconfigPath: env.kubeconfigPath,
    // Restarts keep the address (tools/localenv restartTemporal), so this stays valid.
    temporalAddress: env.temporal.address,
    temporalNamespace: env.temporal.namespace,
    temporalUiUrl: env.temporal.uiUrl,
    temporalMetricsUrl: env.temporal.metricsUrl,
    nodeName: env.kube.nodeName,
    release: async () => {},
  };
  return { env, testEnv, outageMs: opts.outageMs, stop: () => env.stop() };
}

/** Ballast for one scenario: an in-process controller and a worker in its own process. */
export interface ScenarioHarness {
  ns: string;
  ballast: BallastHarness;
  cluster: TestCluster;
  /** SIGKILLs the running worker and starts a fresh one, as a restarted pod would. */
  replaceWorker(): Promise<void>;
  /** Lets the scenario's gated Pods schedule: labels the kwok node with `gateLabel`. */
  openGate(): Promise<void>;
  gateLabel: string;
  close(): Promise<void>;
}

export async function startScenarioHarness(suite: FaultSuite, prefix: string): Promise<ScenarioHarness> {
  const ns = uniqueName(prefix);
  const ballast = await startBallast(suite.testEnv, ns, { worker: false });
  const cluster = new TestCluster(ballast.kc);
  await cluster.createNamespace(ns);
  const workers: WorkerProcess[] = [];
  const startWorker = (): void => {
    const log = path.join(suite.env.dir, `worker-${ns}-${workers.length + 1}.log`);
    workers.push(startWorkerProcess(suite.testEnv, ballast, log));
  };
  startWorker();
  const gateLabel = `ballast.dev/${ns}`;
  return {
    ns,
    ballast,
    cluster,
    gateLabel,
    async replaceWorker() {
      await workers.at(-1)?.kill('SIGKILL');
      startWorker();
    },
    async openGate() {
      await ballast.kc
        .makeApiClient(CoreV1Api)
        .patchNode(
          { name: suite.testEnv.nodeName, body: { metadata: { labels: { [gateLabel]: 'true' } } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
        );
    },
    async close() {
      for (const w of workers) await w.kill();
      // The namespace stays: the environment is thrown away at the end, and deleting it with the
      // controller gone would leave it Terminating behind the Flux finalizers anyway.
      await ballast.stop();
    },
  };
}

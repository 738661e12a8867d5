import { KubeConfig } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { installCrds } from '../../client/install-crds.js';
import { toolPath } from '../../tools/toolchain/build.js';
import { codecDataConverter } from '../../workers/codec/data-converter.js';
import { loadConfig, type Config } from '../../workers/config.js';
import { Controller } from '../../workers/controller/controller.js';
import { createBallastWorker } from '../../workers/temporal-worker.js';
import type { TestEnv } from './local-env.js';
import { uniqueName } from './names.js';

/** A worker and a controller for one test, scoped to one namespace, task queue and cluster name. */
export interface BallastHarness {
  kc: KubeConfig;
  client: Client;
  clusterName: string;
  taskQueue: string;
  namespace: string;
  artifactDir: string;
  /** The controller (its informer caches feed the controller metrics). */
  controller: Controller;
  /** The in-process worker's metrics (absent with `worker: false`). */
  workerRegistry?: Registry;
  /** Stops the controller and the in-process worker (to simulate a crash, use a separate process instead). */
  stop(): Promise<void>;
}

/** Starts Ballast in-process against the local environment, watching only `namespace`. */
export async function startBallast(
  env: TestEnv,
  namespace: string,
  opts: {
    worker?: boolean;
    /** Worker configuration on top of the test defaults (e.g. the tenancy lockdown). */
    config?: Partial<Config>;
  } = {}
): Promise<BallastHarness> {
  const kc = new KubeConfig();
  kc.loadFromFile(env.kubeconfigPath);
  await installCrds(kc);
  const clusterName = uniqueName('test');
  const taskQueue = uniqueName('tq');
  const artifactDir = await mkdtemp(path.join(tmpdir(), 'ballast-artifacts-'));
  const config = loadConfig(
    {},
    {
      temporalAddress: env.temporalAddress,
      kubeconfig: env.kubeconfigPath,
      taskQueue,
      clusterName,
      artifactDir,
      kustomizeBinary: toolPath('kustomize'),
      sopsBinary: toolPath('sops'),
      helmBinary: toolPath('helm'),
      // stop() cancels in-flight activities at once, as before the production default of 30s.
      shutdownGrace: '0s',
      ...opts.config,
    }
  );
  const connection = await Connection.connect({ address: env.temporalAddress });
  // The controller's client encrypts like the worker when opts.config sets codec keys.
  const client = new Client({
    connection,
    namespace: env.temporalNamespace,
    dataConverter: codecDataConverter(config),
  });
  const log = pino({ level: process.env.BALLAST_TEST_LOG ?? 'warn' });
  const controller = new Controller({ kubeConfig: kc, temporal: client, taskQueue, clusterName, log, namespace });
  const worker =
    opts.worker === false ? undefined : await createBallastWorker(config, { allowLocalGit: true, healthPollMs: 500 });
  const running = worker?.worker.run();
  await controller.start();
  return {
    kc,
    client,
    clusterName,
    taskQueue,
    namespace,
    artifactDir,
    controller,
    ...(worker ? { workerRegistry: worker.metrics.registry } : {}),
    async stop() {
      await controller.stop();
      worker?.worker.shutdown();
      await running;
      await worker?.connection.close();
      await connection.close();
    },
  };
}

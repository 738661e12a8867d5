/**
 * `npm run dev`: brings up the local environment, a Ballast worker and controller, and reconciles
 * a sample app from a local Git repository; prints where to look and a status table, then keeps
 * reconciling until Ctrl-C. `--once` exits 0 as soon as the sample is Ready.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { installCrds } from '../client/install-crds.js';
import { loadConfig } from '../workers/config.js';
import { Controller } from '../workers/controller/controller.js';
import { createLogger } from '../workers/logger.js';
import { createBallastWorker } from '../workers/temporal-worker.js';
import { createSample, SAMPLE_NAMESPACE, sampleHelp } from './dev-sample.js';
import { startLocalEnv } from './localenv/index.js';
import { toolPath } from './toolchain/build.js';
import { formatTable, statusRows } from './status-table.js';

const { values: flags } = parseArgs({ options: { once: { type: 'boolean', default: false } } });
const started = performance.now();

const env = await startLocalEnv({ log: console.log });
const config = loadConfig(process.env, {
  temporalAddress: env.temporal.address,
  kubeconfig: env.kubeconfigPath,
  taskQueue: 'ballast-dev',
  artifactDir: `${env.dir}/artifacts`,
  kustomizeBinary: toolPath('kustomize'),
  helmBinary: toolPath('helm'),
});
const kc = new KubeConfig();
kc.loadFromFile(env.kubeconfigPath);
await installCrds(kc);
const { worker, connection } = await createBallastWorker(config);
const workerRun = worker.run();
const clientConnection = await Connection.connect({ address: env.temporal.address });
const controller = new Controller({
  kubeConfig: kc,
  temporal: new Client({ connection: clientConnection }),
  taskQueue: config.taskQueue,
  clusterName: config.clusterName,
  log: createLogger(config.logLevel, 'controller'),
});
await controller.start();
const sample = await createSample(kc);

async function shutdown(code: number): Promise<never> {
  await controller.stop();
  worker.shutdown();
  await workerRun.catch(() => undefined);
  await Promise.all([connection.close(), clientConnection.close(), sample.close()]);
  await env.stop();
  process.exit(code);
}

/** Waits until the sample Kustomization is Ready, printing the table whenever it changes. */
async function watch(untilReady: boolean, timeoutMs: number): Promise<boolean> {
  let last = '';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows = await statusRows(kc, SAMPLE_NAMESPACE);
    const table = formatTable(rows);
    if (table !== last) console.log(`\n${table}`);
    last = table;
    const ready = (kind: string): boolean => rows.some((r) => r.kind === kind && r.ready === 'True');
    if (untilReady && ready('Kustomization') && ready('HelmRelease')) return true;
    await sleep(1000);
  }
  return false;
}

const ready = await watch(true, 180_000);
if (!ready) {
  console.error(`sample did not become Ready; logs in ${env.dir}`);
  await shutdown(1);
}
console.log(`
Ballast is up (environment ready in ${env.startSeconds.toFixed(1)} s, sample Ready after ${((performance.now() - started) / 1000).toFixed(1)} s).
  Temporal UI:  ${env.temporal.uiUrl}
  kubeconfig:   export KUBECONFIG=${env.kubeconfigPath}
  logs:         ${env.dir}
`);
if (flags.once) await shutdown(0);
console.log(`${sampleHelp(sample)}\n\nPress Ctrl-C to stop.`);
// The local environment's own SIGINT handler stops every process on Ctrl-C.
await watch(false, Number.POSITIVE_INFINITY);

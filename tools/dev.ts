/**
 * `npm run dev`: brings up the local environment and a Ballast worker, runs the sample, prints
 * where to look (Temporal UI, kubeconfig), and stays up until Ctrl-C. `--once` exits 0 as soon as
 * the sample has completed.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { loadKubeConfig } from '../activities/kube/client.js';
import { loadConfig } from '../workers/config.js';
import { createBallastWorker } from '../workers/temporal-worker.js';
import { mirrorConfigMapWorkflow } from '../workflows/index.js';
import { startLocalEnv } from './localenv/index.js';

const { values: flags } = parseArgs({ options: { once: { type: 'boolean', default: false } } });

const env = await startLocalEnv({ log: console.log });
const config = loadConfig(process.env, {
  temporalAddress: env.temporal.address,
  kubeconfig: env.kubeconfigPath,
  taskQueue: 'ballast-dev',
});
const { worker, connection } = await createBallastWorker(config);
const workerRun = worker.run();

async function runSample(): Promise<void> {
  const core = loadKubeConfig({ kubeconfigPath: env.kubeconfigPath }).makeApiClient(CoreV1Api);
  const namespace = 'ballast-dev';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'hello' }, data: { message: 'hello from Ballast' } },
  });
  const clientConnection = await Connection.connect({ address: env.temporal.address });
  try {
    const client = new Client({ connection: clientConnection });
    const result = await client.workflow.execute(mirrorConfigMapWorkflow, {
      taskQueue: config.taskQueue,
      workflowId: `${config.clusterName}/ConfigMap/${namespace}/hello-copy`,
      args: [{ namespace, from: 'hello', to: 'hello-copy' }],
    });
    console.log(`sample: copied ConfigMap ${namespace}/hello → hello-copy (${result.keys} keys) through Temporal`);
  } finally {
    await clientConnection.close();
  }
}

async function shutdown(code: number): Promise<never> {
  worker.shutdown();
  await workerRun.catch(() => undefined);
  await connection.close();
  await env.stop();
  process.exit(code);
}

try {
  await runSample();
} catch (err) {
  console.error('sample failed:', err);
  await shutdown(1);
}

console.log(`
Ballast local environment is up (ready in ${env.startSeconds.toFixed(1)} s).
  Temporal UI:  ${env.temporal.uiUrl}
  Temporal:     ${env.temporal.address}
  kubeconfig:   ${env.kubeconfigPath}    (export KUBECONFIG=${env.kubeconfigPath})
  logs:         ${env.dir}
`);
if (flags.once) await shutdown(0);
// The local environment's own SIGINT handler stops every process on Ctrl-C.
console.log('Press Ctrl-C to stop.');

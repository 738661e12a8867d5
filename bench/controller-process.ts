/**
 * The Ballast controller for the benchmark, in its own process so its CPU and memory are its own,
 * and scoped to the benchmark's namespace (BENCH_NAMESPACE): workers/controller-main.ts watches
 * every namespace, which on a shared environment would reconcile other runs' objects too.
 */
import { Client, Connection } from '@temporalio/client';
import { loadKubeConfig } from '../activities/kube/client.js';
import { loadConfigOrExit } from '../workers/config.js';
import { Controller } from '../workers/controller/controller.js';
import { createLogger } from '../workers/logger.js';
import { onTermination } from '../workers/shutdown.js';
import { temporalConnectionOptions } from '../workers/temporal-connection.js';
import { CONTROLLER_READY_LINE } from './ballast-processes.js';

const namespace = process.env.BENCH_NAMESPACE;
if (!namespace) {
  console.error('controller-process: set BENCH_NAMESPACE to the namespace to watch');
  process.exit(2);
}
const config = loadConfigOrExit();
const log = createLogger(config.logLevel, 'controller');
const connection = await Connection.connect(temporalConnectionOptions(config));
const controller = new Controller({
  kubeConfig: loadKubeConfig({ kubeconfigPath: config.kubeconfig }),
  temporal: new Client({ connection, namespace: config.temporalNamespace }),
  taskQueue: config.taskQueue,
  clusterName: config.clusterName,
  log,
  namespace,
});
await controller.start();
// The parent waits for this line: the informers have listed, so objects created now are seen at once.
process.stdout.write(`${CONTROLLER_READY_LINE}\n`);
onTermination(() => {
  void controller
    .stop()
    .finally(() => connection.close())
    .finally(() => process.exit(0));
});

/** Entry point of the Ballast controller process: watch → signalWithStart. */
import { Client, Connection } from '@temporalio/client';
import { loadKubeConfig } from '../activities/kube/client.js';
import { loadConfig } from './config.js';
import { Controller } from './controller/controller.js';
import { createLogger } from './logger.js';

const config = loadConfig();
const log = createLogger(config.logLevel, 'controller');
const connection = await Connection.connect({ address: config.temporalAddress });
const controller = new Controller({
  kubeConfig: loadKubeConfig({ kubeconfigPath: config.kubeconfig, context: config.kubeContext }),
  temporal: new Client({ connection, namespace: config.temporalNamespace }),
  taskQueue: config.taskQueue,
  clusterName: config.clusterName,
  log,
});
await controller.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'stopping controller');
    void controller.stop().finally(() => connection.close().finally(() => process.exit(0)));
  });
}

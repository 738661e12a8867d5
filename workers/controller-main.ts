/**
 * Entry point of the Ballast controller process: watch → signalWithStart, plus its HTTP server
 * (health, readiness, metrics, the reconcile API and the webhook receivers).
 */
import { Client, Connection } from '@temporalio/client';
import { Registry } from 'prom-client';
import { createKubeClients, loadKubeConfig } from '../activities/kube/client.js';
import { parseDuration } from '../api/meta.js';
import { codecDataConverter } from './codec/data-converter.js';
import { DEFAULT_ADDRESSES, loadConfigOrExit } from './config.js';
import { Controller } from './controller/controller.js';
import { ReceiverWatcher } from './controller/receivers.js';
import { controllerRoutes } from './http/api-plugins.js';
import { createHttpServer, parseListenAddress } from './http/server.js';
import { createLogger } from './logger.js';
import { createControllerMetrics } from './metrics/controller-metrics.js';
import { onTermination, withDeadline } from './shutdown.js';
import { temporalConnectionOptions } from './temporal-connection.js';

const config = loadConfigOrExit();
const log = createLogger(config.logLevel, 'controller');
const connection = await Connection.connect(temporalConnectionOptions(config));
// Payloads are encrypted when codec keys are configured; the codec server below decodes them for the UI.
const dataConverter = codecDataConverter(config);
const temporal = new Client({ connection, namespace: config.temporalNamespace, dataConverter });
const kubeConfig = loadKubeConfig({ kubeconfigPath: config.kubeconfig, context: config.kubeContext });
const kube = createKubeClients(kubeConfig);
const registry = new Registry();
const controller = new Controller({
  kubeConfig,
  temporal,
  taskQueue: config.taskQueue,
  clusterName: config.clusterName,
  log,
});
const receivers = new ReceiverWatcher({ kubeConfig, kube, log });
createControllerMetrics(registry, controller);

// Listen before the informers sync, so liveness answers at once and readiness says "not yet".
let ready = false;
const http = await createHttpServer({
  log,
  registry,
  ready: () => ready,
  plugins: controllerRoutes({
    temporal,
    kube,
    clusterName: config.clusterName,
    fieldManager: config.fieldManager,
    apiTokenSecret: config.apiTokenSecret,
    codecServer: dataConverter?.payloadCodecs && {
      codecs: dataConverter.payloadCodecs,
      corsOrigin: config.codecCorsOrigin,
    },
    receivers,
    log,
  }),
});
await http.listen(parseListenAddress(config.httpAddress ?? DEFAULT_ADDRESSES.controllerHttp));
await controller.start();
await receivers.start();
ready = true;

// Stop: readiness false, then the HTTP server finishes its requests (receivers need the informer
// caches, so those stop after it), then the watches end. The grace period bounds the whole stop.
onTermination((signal) => {
  log.info({ signal, grace: config.shutdownGrace }, 'stopping controller');
  ready = false;
  const stopping = http
    .close()
    .then(() => Promise.all([controller.stop(), receivers.stop()]))
    .then(() => connection.close());
  withDeadline(stopping, parseDuration(config.shutdownGrace), 'controller stop').then(
    () => {
      log.info('controller stopped');
      process.exit(0);
    },
    (err: unknown) => {
      log.error({ err }, 'controller stop failed');
      process.exit(1);
    }
  );
});

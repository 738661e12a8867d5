/** Entry point of a Ballast worker process. */
import { DEFAULT_ADDRESSES, loadConfigOrExit } from './config.js';
import { createHttpServer, parseListenAddress } from './http/server.js';
import { createLogger } from './logger.js';
import { onTermination } from './shutdown.js';
import { createBallastWorker } from './temporal-worker.js';

const config = loadConfigOrExit();
const log = createLogger(config.logLevel, 'worker');
const temporalMetricsAddress = config.temporalMetricsAddress ?? DEFAULT_ADDRESSES.workerTemporalMetrics;
const { worker, connection, metrics, runtime } = await createBallastWorker({ ...config, temporalMetricsAddress });
if (runtime.installed && runtime.metrics === 'failed')
  log.error({ address: temporalMetricsAddress, err: runtime.error }, 'Temporal SDK metrics not served');

let draining = false;
const http = await createHttpServer({
  log,
  registry: metrics.registry,
  ready: () => !draining && worker.getState() === 'RUNNING',
});
const httpAddress = config.httpAddress ?? DEFAULT_ADDRESSES.workerHttp;
// Metrics are worth less than reconciles: a taken port is logged, and the worker still runs.
await http
  .listen(parseListenAddress(httpAddress))
  .catch((err: unknown) => log.error({ address: httpAddress, err: String(err) }, 'metrics server not started'));

log.info(
  { taskQueue: config.taskQueue, temporal: config.temporalAddress, http: httpAddress, temporalMetricsAddress },
  'worker started'
);
// Stop: readiness false first, then the SDK's shutdown, which stops polling and gives in-flight
// activities the grace period to finish (the HTTP server keeps answering 503 meanwhile).
onTermination((signal) => {
  draining = true;
  const { numInFlightActivities } = worker.getStatus();
  log.info({ signal, inFlightActivities: numInFlightActivities, grace: config.shutdownGrace }, 'worker draining');
  if (worker.getState() === 'RUNNING') worker.shutdown();
  else if (worker.getState() === 'INITIALIZED') process.exit(0); // not polling yet: nothing to drain
});
await worker
  .run()
  .finally(() => Promise.all([connection.close(), http.close()]))
  .catch((err: unknown) => {
    log.error({ err }, 'worker failed');
    process.exit(1);
  });
log.info('worker drained');
process.exit(0);

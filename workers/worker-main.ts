/** Entry point of a Ballast worker process. */
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createBallastWorker } from './temporal-worker.js';

const config = loadConfig();
const log = createLogger(config.logLevel, 'worker');
const { worker, connection } = await createBallastWorker(config);
log.info({ taskQueue: config.taskQueue, temporal: config.temporalAddress }, 'worker started');
await worker
  .run()
  .finally(() => connection.close())
  .catch((err: unknown) => {
    log.error({ err }, 'worker failed');
    process.exit(1);
  });

import { Connection } from '@temporalio/client';
import path from 'node:path';
import { toolPath } from '../toolchain/build.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../api/search-attributes.js';
import { freePort } from './ports.js';
import { devServerDynamicConfigFlags } from './temporal-dynamic-config.js';
import { waitReady, type ProcessGroup } from './processes.js';

/** A running Temporal dev server. */
export interface TemporalServer {
  address: string;
  namespace: string;
  uiUrl: string;
  /** The server's Prometheus metrics (`/metrics` on its metrics port). */
  metricsUrl: string;
  dbFile: string;
  /** The ports it listens on, so a restart can reuse them and clients keep their address. */
  ports: TemporalPorts;
}

export interface TemporalPorts {
  port: number;
  uiPort: number;
  httpPort: number;
  metricsPort: number;
}

/** Builds the `--search-attribute` flags that register Ballast's search attributes at server start. */
function searchAttributeFlags(): string[] {
  return Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}

/**
 * Starts `temporal server start-dev` on loopback with the Web UI, persisted to a SQLite file in
 * `dir` (so a restart on the same file keeps every workflow), with Ballast's search attributes and
 * recommended dynamic configuration.
 * `uiCodecEndpoint` makes the UI decode payloads through that remote codec server.
 */
export async function startTemporal(
  group: ProcessGroup,
  dir: string,
  dbFile = path.join(dir, 'temporal.db'),
  ports?: TemporalPorts,
  opts: { uiCodecEndpoint?: string } = {}
): Promise<TemporalServer> {
  const { port, uiPort, httpPort, metricsPort } = ports ?? {
    port: await freePort(),
    uiPort: await freePort(),
    httpPort: await freePort(),
    metricsPort: await freePort(),
  };
  const address = `127.0.0.1:${port}`;
  const namespace = 'default';
  const server = group.start('temporal', toolPath('temporal'), [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-ip',
    '127.0.0.1',
    '--ui-port',
    String(uiPort),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    '--db-filename',
    dbFile,
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...devServerDynamicConfigFlags(),
    ...searchAttributeFlags(),
    ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
  ]);
  await waitReady(
    server,
    async () => {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.describeNamespace({ namespace });
        return true;
      } finally {
        await conn.close();
      }
    },
    60_000
  );
  return {
    address,
    namespace,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    dbFile,
    ports: { port, uiPort, httpPort, metricsPort },
  };
}

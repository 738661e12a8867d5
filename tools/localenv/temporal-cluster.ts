/**
 * The Temporal server as production runs it: `temporal-server` (built from go.temporal.io/server
 * by `npm run tools`) on PostgreSQL, one OS process per service — frontend, history, matching and
 * worker — finding each other through the membership ring, like separate Deployments would.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { stringify } from 'yaml';
import { SEARCH_ATTRIBUTE_TYPES } from '../../api/search-attributes.js';
import { toolPath } from '../toolchain/build.js';
import { freeLowPort, freePort } from './ports.js';
import { startPostgres, type Postgres } from './postgres.js';
import { runCommand, waitReady, type Managed, type ProcessGroup } from './processes.js';
import { DYNAMIC_CONFIG_FILE } from './temporal-dynamic-config.js';

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** A running multi-process Temporal cluster. */
export interface TemporalCluster {
  /** The frontend's gRPC address: what workers and clients dial. */
  address: string;
  namespace: string;
  postgres: Postgres;
  /** One OS process per service. */
  processes: Record<TemporalService, Managed>;
}

interface Ports {
  grpcPort: number;
  membershipPort: number;
  httpPort?: number;
}

const DATABASES = { temporal: 'postgresql/v12/temporal', temporal_visibility: 'postgresql/v12/visibility' } as const;

/** Creates both databases and migrates them to the schema version this server build embeds. */
async function setupSchema(pg: Postgres): Promise<void> {
  const tool = toolPath('temporal-sql-tool');
  const conn = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user];
  for (const [db, schema] of Object.entries(DATABASES)) {
    const sql = (...args: string[]): Promise<void> =>
      runCommand(`temporal-sql-tool ${args[0]} ${db}`, tool, [...conn, '--db', db, ...args]);
    await sql('create-database');
    await sql('setup-schema', '-v', '0.0');
    await sql('update-schema', '--schema-name', schema);
  }
}

/**
 * The server's YAML configuration: both stores on `pg`, every service bound to loopback, the
 * dynamic configuration Ballast recommends.
 */
function serverConfig(pg: Postgres, ports: Record<TemporalService, Ports>): unknown {
  const store = (databaseName: string, maxConns: number): unknown => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const frontend = `127.0.0.1:${ports.frontend.grpcPort}`;
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: 4,
      datastores: { default: store('temporal', 20), visibility: store('temporal_visibility', 5) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(TEMPORAL_SERVICES.map((s) => [s, { rpc: { ...ports[s], bindOnLocalHost: true } }])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: DYNAMIC_CONFIG_FILE, pollInterval: '60s' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
  };
}

/** gRPC ports anywhere; membership ports low (see freeLowPort). */
async function allocatePorts(): Promise<Record<TemporalService, Ports>> {
  const ports = {} as Record<TemporalService, Ports>;
  for (const s of TEMPORAL_SERVICES) ports[s] = { grpcPort: await freePort(), membershipPort: await freeLowPort() };
  ports.frontend.httpPort = await freePort();
  return ports;
}

/** `temporal operator …` against the cluster, with the CLI the rest of the environment uses. */
async function operator(address: string, args: string[]): Promise<void> {
  const what = `temporal operator ${args.slice(0, 2).join(' ')}`;
  await runCommand(what, toolPath('temporal'), ['operator', ...args, '--address', address]);
}

/** Registers the namespace and Ballast's search attributes, as the README tells operators to. */
async function prepareNamespace(address: string, namespace: string): Promise<void> {
  await operator(address, ['namespace', 'create', '--namespace', namespace, '--retention', '24h']);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES))
    await operator(address, ['search-attribute', 'create', '--namespace', namespace, '--name', name, '--type', type]);
}

/**
 * Ready when a workflow carrying Ballast's search attributes can be started: that needs the
 * frontend, a history shard owner, and the new namespace and attributes in each service's caches
 * (refreshed on timers, so they take some seconds to appear everywhere). The probe is terminated.
 */
async function acceptsWorkflows(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    const client = new Client({ connection, namespace });
    const handle = await client.workflow.start('ballast-cluster-probe', {
      taskQueue: 'ballast-cluster-probe',
      workflowId: `ballast-cluster-probe-${Date.now()}`,
      searchAttributes: { BallastKind: ['probe'] },
    });
    await handle.terminate('readiness probe');
    return true;
  } finally {
    await connection.close();
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts PostgreSQL, sets up the schema, then the four services; resolves when workflows can run. */
export async function startTemporalCluster(group: ProcessGroup, dir: string): Promise<TemporalCluster> {
  const postgres = await startPostgres(group);
  await setupSchema(postgres);
  const ports = await allocatePorts();
  const configDir = path.join(dir, 'temporal-config');
  await mkdir(configDir, { recursive: true });
  await writeFile(path.join(configDir, 'ballast.yaml'), stringify(serverConfig(postgres, ports)));
  const bin = toolPath('temporal-server');
  const processes = {} as Record<TemporalService, Managed>;
  const start = (service: TemporalService): void => {
    const args = ['--root', dir, '--config', 'temporal-config', '--env', 'ballast', '--allow-no-auth'];
    processes[service] = group.start(`temporal-${service}`, bin, [...args, 'start', '--service', service]);
  };
  // On a fresh database every service tries to create the cluster metadata record; the losers of
  // that race exit ("failed to initialize current cluster metadata"). The frontend creates it
  // before it listens, so the others start once its gRPC port accepts connections.
  start('frontend');
  await waitReady(processes.frontend, () => listening(ports.frontend.grpcPort), 90_000);
  for (const service of TEMPORAL_SERVICES) if (service !== 'frontend') start(service);
  const address = `127.0.0.1:${ports.frontend.grpcPort}`;
  const namespace = 'default';
  await waitReady(
    processes.frontend,
    async () => {
      await operator(address, ['cluster', 'health']);
      return true;
    },
    90_000
  );
  await prepareNamespace(address, namespace);
  await waitReady(processes.history, () => acceptsWorkflows(address, namespace), 90_000);
  return { address, namespace, postgres, processes };
}

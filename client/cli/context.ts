/**
 * What every command works with, built lazily from the global options: Kubernetes clients from
 * the kubeconfig, a Temporal client, the output format and colours. Only commands that need
 * Temporal connect to it, so `get` works while Temporal is down.
 *
 * @module
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import pc from 'picocolors';
import { createKubeClients, loadKubeConfig, type KubeClients } from '../../activities/kube/client.js';
import type { ObjectRef } from '../../api/workflow-ids.js';
import { codecDataConverter, codecSettingsFromEnv } from '../../workers/codec/data-converter.js';
import { ExitCode, unavailableError, usageError } from './errors.js';

export type OutputFormat = 'table' | 'json' | 'yaml';
export type Colors = ReturnType<typeof pc.createColors>;

/** Options every command accepts (see program.ts for flags and environment variables). */
export interface GlobalOptions {
  output: OutputFormat;
  kubeconfig?: string;
  context?: string;
  cluster: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  color: boolean;
}

/** Where a command writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether `out` is a terminal (colours, live progress). */
  isTTY: boolean;
}

/**
 * Whether the client library will find a kubeconfig by itself. Without one it would quietly fall
 * back to http://localhost:8080, and the error would not say what is missing.
 */
function hasDefaultKubeconfig(): boolean {
  if (process.env.KUBECONFIG || process.env.KUBERNETES_SERVICE_HOST) return true;
  return existsSync(path.join(homedir(), '.kube', 'config'));
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
};

/**
 * The workers' payload codec, from the same BALLAST_CODEC_KEYS_FILE / BALLAST_CODEC_KEY(_ID)
 * variables: the CLI reads workflow results and sends Updates, which are encrypted when the
 * workers encrypt.
 */
function codecFromEnvironment(): DataConverter | undefined {
  try {
    return codecDataConverter(codecSettingsFromEnv());
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

export class CliContext {
  private kubeClients?: KubeClients;
  private temporalClient?: Promise<Client>;
  /** Set by a command whose output already said why it failed (a failed reconcile): no error line follows. */
  exitCode: ExitCode = ExitCode.Ok;

  constructor(
    private readonly options: () => GlobalOptions,
    readonly io: Io
  ) {}

  get opts(): GlobalOptions {
    return this.options();
  }

  get colors(): Colors {
    return pc.createColors(this.opts.color && this.io.isTTY && pc.isColorSupported);
  }

  /** Kubernetes clients: --kubeconfig, else $KUBECONFIG / ~/.kube/config; --context overrides the current context. */
  kube(): KubeClients {
    if (!this.kubeClients) {
      const { kubeconfig, context } = this.opts;
      if (!kubeconfig && !hasDefaultKubeconfig()) {
        throw unavailableError('no kubeconfig: set KUBECONFIG or --kubeconfig, or create ~/.kube/config');
      }
      let kc;
      try {
        kc = loadKubeConfig({ kubeconfigPath: kubeconfig, context });
      } catch (err) {
        throw unavailableError(
          `cannot load kubeconfig${kubeconfig ? ` ${kubeconfig}` : ''}: ${(err as Error).message}`
        );
      }
      if (context && !kc.getContextObject(context)) throw usageError(`kubeconfig has no context "${context}"`);
      this.kubeClients = createKubeClients(kc);
    }
    return this.kubeClients;
  }

  /** The API server's address, for messages. */
  kubeServer(): string {
    return this.kube().config.getCurrentCluster()?.server ?? '(no cluster in kubeconfig)';
  }

  /** -n, else the kubeconfig context's namespace, else `default`. */
  namespace(explicit: string | undefined): string {
    if (explicit) return explicit;
    const kc = this.kube().config;
    return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  }

  /** The workflow identity of an object in the configured cluster. */
  ref(kind: string, namespace: string, name: string): ObjectRef {
    return { cluster: this.opts.cluster, kind, namespace, name };
  }

  /** A Temporal client, connected on first use. */
  temporal(): Promise<Client> {
    this.temporalClient ??= this.connect();
    return this.temporalClient;
  }

  private async connect(): Promise<Client> {
    const { temporalAddress: address, temporalNamespace: namespace } = this.opts;
    const dataConverter = codecFromEnvironment();
    try {
      const connection = await Connection.connect({ address, connectTimeout: '5s' });
      return new Client({ connection, namespace, dataConverter });
    } catch (err) {
      throw unavailableError(
        `cannot reach Temporal at ${address}: ${(err as Error).message} (set --temporal-address or TEMPORAL_ADDRESS)`
      );
    }
  }

  /** Closes the Temporal connection if one was opened. */
  async close(): Promise<void> {
    const pending = this.temporalClient;
    this.temporalClient = undefined;
    const client = await pending?.catch(() => undefined);
    await client?.connection.close();
  }
}

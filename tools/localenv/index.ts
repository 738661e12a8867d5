/**
 * The local environment: a real Kubernetes control plane (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, kwok with one fake node) and a real Temporal dev
 * server, on loopback and free ports. Used by integration tests, `npm run dev` and the benchmark.
 *
 * @example
 * const env = await startLocalEnv();
 * try { … env.kubeconfigPath, env.temporal.address … } finally { await env.stop(); }
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startControlPlane, type ControlPlane } from './kubernetes.js';
import { ProcessGroup, reapOrphans } from './processes.js';
import { startTemporal, type TemporalServer } from './temporal.js';

export interface LocalEnv {
  /** Scratch directory holding logs, certificates, etcd data and the Temporal database. */
  dir: string;
  kubeconfigPath: string;
  kube: ControlPlane;
  temporal: TemporalServer;
  /** Seconds from `startLocalEnv()` to everything ready. */
  startSeconds: number;
  /**
   * Restarts the Temporal server on the same database file and ports, so clients reconnect to the
   * same address (fault-injection tests). `kill` SIGKILLs it instead of stopping it gracefully.
   */
  restartTemporal(opts?: { kill?: boolean }): Promise<TemporalServer>;
  /** Stops every process and, unless `keep`, deletes the scratch directory. */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

export interface LocalEnvOptions {
  /** Use this directory instead of a fresh temporary one. */
  dir?: string;
  log?: (line: string) => void;
}

/** Starts the whole local environment; on any failure, stops what did start and rethrows. */
export async function startLocalEnv(opts: LocalEnvOptions = {}): Promise<LocalEnv> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const started = performance.now();
  const reaped = reapOrphans();
  if (reaped > 0) log(`localenv: killed ${reaped} processes left by an interrupted run`);
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'ballast-env-')));
  const group = new ProcessGroup(dir, path.basename(dir));
  const stopOnSignal = (): void => void group.stopAll().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const [kube, temporalFirst] = await Promise.all([startControlPlane(group, dir), startTemporal(group, dir)]);
    let temporal = temporalFirst;
    const startSeconds = (performance.now() - started) / 1000;
    log(
      `localenv: ready in ${startSeconds.toFixed(1)} s (apiserver ${kube.server}, temporal ${temporal.address}, logs ${dir})`
    );
    const env: LocalEnv = {
      dir,
      kubeconfigPath: kube.kubeconfigPath,
      kube,
      get temporal() {
        return temporal;
      },
      startSeconds,
      async restartTemporal(restartOpts = {}) {
        const old = group.members.find((m) => m.name === 'temporal');
        if (old) {
          if (restartOpts.kill) old.child.kill('SIGKILL');
          await group.stop(old);
          group.members.splice(group.members.indexOf(old), 1);
        }
        temporal = await startTemporal(group, dir, temporal.dbFile, temporal.ports);
        return temporal;
      },
      async stop(stopOpts = {}) {
        process.off('SIGINT', stopOnSignal);
        process.off('SIGTERM', stopOnSignal);
        await group.stopAll();
        if (!stopOpts.keep && !opts.dir) await rm(dir, { recursive: true, force: true });
      },
    };
    return env;
  } catch (err) {
    await group.stopAll();
    throw err;
  }
}

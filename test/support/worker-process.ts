import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { toolPath } from '../../tools/toolchain/build.js';
import type { BallastHarness } from './ballast.js';
import type { TestEnv } from './local-env.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** A Ballast worker in its own OS process, so a test can SIGKILL it mid-reconcile. */
export interface WorkerProcess {
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `workers/worker-main.ts` on the harness's task queue, logging to `logFile`; `extraEnv` adds or overrides variables. */
export function startWorkerProcess(
  env: TestEnv,
  h: BallastHarness,
  logFile: string,
  extraEnv: NodeJS.ProcessEnv = {}
): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/worker-main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: env.temporalNamespace,
      KUBECONFIG: env.kubeconfigPath,
      BALLAST_TASK_QUEUE: h.taskQueue,
      BALLAST_CLUSTER_NAME: h.clusterName,
      BALLAST_ARTIFACT_DIR: h.artifactDir,
      BALLAST_KUSTOMIZE: toolPath('kustomize'),
      BALLAST_SOPS: toolPath('sops'),
      BALLAST_HELM: toolPath('helm'),
      BALLAST_LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

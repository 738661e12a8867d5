import { NativeConnection, Worker } from '@temporalio/worker';
import { createRequire } from 'node:module';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { LocalArtifactStore } from '../activities/source/artifact-store.js';
import { createKubeClients, loadKubeConfig } from '../activities/kube/client.js';
import type { Config } from './config.js';
import { installTemporalRuntime } from './temporal-runtime.js';

const require = createRequire(import.meta.url);

/** Builds a Ballast worker: clients → activities → Worker on the configured task queue. */
export async function createBallastWorker(
  config: Config,
  extra: Partial<Pick<ActivityDeps, 'allowLocalGit' | 'healthPollMs'>> = {}
): Promise<{ worker: Worker; connection: NativeConnection }> {
  installTemporalRuntime();
  const kube = createKubeClients(loadKubeConfig({ kubeconfigPath: config.kubeconfig, context: config.kubeContext }));
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('../workflows/index.ts'),
    activities: createActivities({
      kube,
      fieldManager: config.fieldManager,
      store: new LocalArtifactStore(config.artifactDir),
      kustomizeBinary: config.kustomizeBinary,
      helmBinary: config.helmBinary,
      ...extra,
    }),
  });
  return { worker, connection };
}

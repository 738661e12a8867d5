import { CoreV1Api } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadKubeConfig } from '../../activities/kube/client.js';
import { loadConfig } from '../../workers/config.js';
import { createBallastWorker } from '../../workers/temporal-worker.js';
import { mirrorConfigMapWorkflow } from '../../workflows/index.js';
import { useLocalEnv, type TestEnv } from '../support/local-env.js';
import { uniqueName } from '../support/names.js';

describe('vertical slice: a workflow activity copies a ConfigMap in the real cluster', () => {
  let env: TestEnv;
  let core: CoreV1Api;
  before(async () => {
    env = await useLocalEnv();
    core = loadKubeConfig({ kubeconfigPath: env.kubeconfigPath }).makeApiClient(CoreV1Api);
  });
  after(async () => env?.release());

  it('reads the source ConfigMap and writes the copy through the worker', async () => {
    const namespace = uniqueName('slice');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'source' }, data: { greeting: 'hello', target: 'world' } },
    });
    const taskQueue = uniqueName('tq');
    const config = loadConfig({}, { temporalAddress: env.temporalAddress, kubeconfig: env.kubeconfigPath, taskQueue });
    const { worker, connection } = await createBallastWorker(config);
    const clientConnection = await Connection.connect({ address: env.temporalAddress });
    try {
      const client = new Client({ connection: clientConnection, namespace: env.temporalNamespace });
      const result = await worker.runUntil(
        client.workflow.execute(mirrorConfigMapWorkflow, {
          taskQueue,
          workflowId: `test/ConfigMap/${namespace}/copy`,
          args: [{ namespace, from: 'source', to: 'copy' }],
        })
      );
      assert.equal(result.keys, 2);
      const copy = await core.readNamespacedConfigMap({ namespace, name: 'copy' });
      assert.deepEqual(copy.data, { greeting: 'hello', target: 'world' });
      assert.equal(copy.metadata?.resourceVersion, result.resourceVersion);
      assert.equal(copy.metadata?.managedFields?.[0]?.manager, 'ballast');
    } finally {
      await clientConnection.close();
      await connection.close();
    }
  });
});

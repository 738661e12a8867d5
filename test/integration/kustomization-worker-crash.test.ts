import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { progressQuery } from '../../api/messages.js';
import { workflowIdFor } from '../../api/workflow-ids.js';
import { condition, eventually } from '../support/cluster.js';
import { configMap, deployment, setupGitOps, type GitOpsFixture } from '../support/gitops.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

describe('Kustomization: the worker is SIGKILLed in the middle of a reconcile', () => {
  let f: GitOpsFixture;
  const workers: WorkerProcess[] = [];
  before(async () => (f = await setupGitOps('ks-crash', { worker: false })));
  after(async () => {
    for (const w of workers) await w.kill();
    await f?.close();
  });

  it('a new worker finishes it; nothing is applied twice or lost', async () => {
    const label = `ballast.dev/${f.ns}`;
    const logFile = (n: number): string => path.join(f.ballast.artifactDir, `worker-${n}.log`);
    workers.push(startWorkerProcess(f.env, f.ballast, logFile(1)));
    const rev = await f.push({
      'cm.yaml': configMap('settings', 'x'),
      'web.yaml': deployment('web', { schedulable: false, nodeLabel: label }),
    });
    await f.kustomization('app', { wait: true, timeout: '1h' });
    // Applied, now waiting on health: the Deployment's Pods need a node label nobody has set yet.
    const handle = f.ballast.client.workflow.getHandle(
      workflowIdFor({ cluster: f.ballast.clusterName, kind: 'Kustomization', namespace: f.ns, name: 'app' })
    );
    await eventually(
      async () => ((await handle.query(progressQuery).catch(() => undefined))?.step === 'health' ? true : undefined),
      () => 'not in health step',
      90_000
    );
    const applied = await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings');
    assert.ok(applied, 'applied before the crash');
    const deploy = await f.cluster.get('apps/v1', 'Deployment', f.ns, 'web');

    await workers[0]?.kill('SIGKILL');
    const core = f.ballast.kc.makeApiClient(CoreV1Api);
    await core.patchNode(
      { name: f.env.nodeName, body: { metadata: { labels: { [label]: 'true' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
    );
    workers.push(startWorkerProcess(f.env, f.ballast, logFile(2)));

    const ready = await f.waitReady('app', rev, 120_000);
    assert.equal(condition(ready, 'Healthy')?.status, 'True');
    const after = await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings');
    assert.equal(after?.metadata?.resourceVersion, applied.metadata?.resourceVersion, 'ConfigMap not re-written');
    const deployAfter = await f.cluster.get('apps/v1', 'Deployment', f.ns, 'web');
    assert.equal(deployAfter?.metadata?.generation, deploy?.metadata?.generation, 'Deployment spec applied once');
    assert.equal(ready.status?.inventory?.entries.length, 2, 'nothing lost from the inventory');
  });
});

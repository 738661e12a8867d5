import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitRepositoryKind } from '../../../api/gitrepository.js';
import { KustomizationKind } from '../../../api/kustomization.js';
import { progressQuery } from '../../../api/messages.js';
import { workflowIdFor } from '../../../api/workflow-ids.js';
import { condition, eventually } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

// `kubectl annotate … reconcile.fluxcd.io/requestedAt=<token>` (what `flux reconcile` and Flux's
// receivers do) reconciles the object now and echoes the token in status.lastHandledReconcileAt.
describe('reconcile.fluxcd.io/requestedAt', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('requested-at')));
  after(async () => f?.close());

  const passes = async (kind: string, name: string): Promise<number> =>
    (
      await f.ballast.client.workflow
        .getHandle(workflowIdFor({ cluster: f.ballast.clusterName, kind, namespace: f.ns, name }))
        .query(progressQuery)
    ).reconciles;

  it('reconciles a Kustomization and a GitRepository and sets status.lastHandledReconcileAt', async () => {
    const commit = await f.push({ 'app/cm.yaml': configMap('app', 'one') });
    await f.kustomization('app', { path: './app' });
    await f.waitReady('app', commit);

    for (const [kind, name] of [
      [KustomizationKind, 'app'],
      [GitRepositoryKind, 'repo'],
    ] as const) {
      const before = await passes(kind.kind, name);
      const token = `manual-${Date.now()}`;
      await f.cluster.patchFlux(kind, f.ns, name, {
        metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } },
      });
      // The counter moves when the pass ends; lastHandledReconcileAt may be written as it starts.
      await eventually(
        async () => ((await passes(kind.kind, name)) > before ? true : undefined),
        () => `${kind.kind}: no pass ran for the annotation`,
        30_000
      );
      const obj = await f.cluster.getFlux(kind, f.ns, name);
      assert.equal(obj?.status?.lastHandledReconcileAt, token, kind.kind);
      assert.equal(condition(obj, 'Ready')?.status, 'True', kind.kind);
    }
  });

  it('starts reconcile workflows with a 30 s workflow task timeout (their tasks run local activities)', async () => {
    const handle = f.ballast.client.workflow.getHandle(
      workflowIdFor({ cluster: f.ballast.clusterName, kind: KustomizationKind.kind, namespace: f.ns, name: 'app' })
    );
    const timeout = (await handle.describe()).raw.executionConfig?.defaultWorkflowTaskTimeout;
    assert.equal(Number(timeout?.seconds), 30);
  });
});

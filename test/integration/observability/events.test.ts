import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitRepositoryKind } from '../../../api/gitrepository.js';
import { KustomizationKind } from '../../../api/kustomization.js';
import { condition, eventually } from '../../support/cluster.js';
import { configMap, deployment, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

const KS_REVISION = 'kustomize.toolkit.fluxcd.io/revision';

describe('Kubernetes Events on reconciled objects', () => {
  let f: GitOpsFixture;
  let core: CoreV1Api;
  before(async () => {
    f = await setupGitOps('obs-events');
    core = f.ballast.kc.makeApiClient(CoreV1Api);
  });
  after(async () => f?.close());

  /** The Events Kubernetes holds for one object, as `kubectl describe` finds them. */
  async function eventsOf(kind: string, name: string): Promise<CoreV1Event[]> {
    const list = await core.listNamespacedEvent({
      namespace: f.ns,
      fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
    });
    return list.items;
  }

  /** Waits until the object has an Event with `reason` (and whose annotations satisfy `pred`). */
  const waitEvent = (
    kind: string,
    name: string,
    reason: string,
    pred: (e: CoreV1Event) => boolean = () => true,
    timeoutMs = 60_000
  ): Promise<CoreV1Event> =>
    eventually(
      async () => (await eventsOf(kind, name)).find((e) => e.reason === reason && pred(e)),
      async () =>
        JSON.stringify((await eventsOf(kind, name)).map((e) => [e.reason, e.type, e.count, e.metadata.annotations])),
      timeoutMs
    );

  it('reports a success with the revision, as kustomize-controller and source-controller do', async () => {
    const commit = await f.push({ 'app/cm.yaml': configMap('settings', 'v1') });
    await f.kustomization('app', { path: './app' });
    const ready = await f.waitReady('app', commit);
    const revision = ready.status?.lastAppliedRevision ?? '';

    const success = await waitEvent('Kustomization', 'app', 'ReconciliationSucceeded');
    assert.equal(success.type, 'Normal');
    assert.equal(success.message, `Applied revision: ${revision}`);
    assert.equal(success.metadata.annotations?.[KS_REVISION], revision);
    assert.equal(success.source?.component, 'kustomize-controller');
    assert.equal(success.reportingComponent, 'kustomize-controller');
    assert.equal(success.involvedObject.apiVersion, KustomizationKind.apiVersion);
    assert.ok(success.involvedObject.uid, 'the Event names the object by uid, so kubectl describe shows it');
    const progressing = await waitEvent('Kustomization', 'app', 'Progressing');
    assert.equal(progressing.metadata.annotations?.[KS_REVISION], revision);

    const artifact = await waitEvent('GitRepository', 'repo', 'NewArtifact');
    assert.equal(artifact.type, 'Normal');
    assert.equal(artifact.reportingComponent, 'source-controller');
    assert.equal(artifact.involvedObject.apiVersion, GitRepositoryKind.apiVersion);
    assert.equal(artifact.metadata.annotations?.['source.toolkit.fluxcd.io/revision'], revision);

    // Another reconcile with nothing changed adds no success Event (Flux reports changes).
    const before = (await eventsOf('Kustomization', 'app')).filter((e) => e.reason === 'ReconciliationSucceeded');
    await f.cluster.patchFlux(KustomizationKind, f.ns, 'app', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'again' } },
    });
    await f.waitFor('app', (ks) => ks.status?.lastHandledReconcileAt === 'again');
    const afterIt = (await eventsOf('Kustomization', 'app')).filter((e) => e.reason === 'ReconciliationSucceeded');
    assert.deepEqual(
      afterIt.map((e) => [e.metadata.name, e.count]),
      before.map((e) => [e.metadata.name, e.count])
    );
  });

  it('reports a failure as a Warning each time, folded into one Event with a count', async () => {
    const commit = await f.push({ 'broken/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' });
    await f.kustomization('broken', { path: './broken' });
    await f.waitFor('broken', (ks) => condition(ks, 'Ready')?.reason === 'BuildFailed');
    const first = await waitEvent('Kustomization', 'broken', 'BuildFailed');
    assert.equal(first.type, 'Warning');
    assert.ok(first.metadata.annotations?.[KS_REVISION]?.endsWith(commit));

    await f.cluster.patchFlux(KustomizationKind, f.ns, 'broken', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'retry-1' } },
    });
    const again = await waitEvent('Kustomization', 'broken', 'BuildFailed', (e) => (e.count ?? 0) >= 2);
    assert.equal(again.metadata.name, first.metadata.name);
    const warnings = (await eventsOf('Kustomization', 'broken')).filter((e) => e.reason === 'BuildFailed');
    assert.equal(warnings.length, 1, 'one Event object, counted');
  });

  it('reports the failed health check and the rollback, naming each revision', async () => {
    const good = await f.push({ 'rb/web.yaml': deployment('web') });
    await f.kustomization('rb', { path: './rb', wait: true, timeout: '8s', rollback: { enabled: true } });
    const healthy = await f.waitReady('rb', good, 90_000);
    const goodRevision = healthy.status?.lastAppliedRevision ?? '';

    const bad = await f.push({ 'rb/web.yaml': deployment('web', { schedulable: false }) });
    const rolled = await f.waitFor('rb', (ks) => condition(ks, 'Ready')?.reason === 'RolledBack', 90_000);
    const badRevision = rolled.status?.lastAttemptedRevision ?? '';
    assert.ok(badRevision.endsWith(bad));

    const failed = await waitEvent('Kustomization', 'rb', 'HealthCheckFailed');
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.metadata.annotations?.[KS_REVISION], badRevision);
    assert.match(failed.message ?? '', /Deployment\/.*web/);
    const rollback = await waitEvent('Kustomization', 'rb', 'RollbackSucceeded');
    assert.equal(rollback.type, 'Normal');
    assert.equal(rollback.metadata.annotations?.[KS_REVISION], goodRevision);
    assert.ok(rollback.message?.includes(bad) && rollback.message.includes(good), rollback.message);
  });
});

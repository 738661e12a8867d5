import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition } from '../support/cluster.js';
import { configMap, deployment, setupGitOps, type GitOpsFixture } from '../support/gitops.js';

describe('Kustomization: dependsOn is event-driven', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('ks-deps')));
  after(async () => f?.close());

  it('starts the dependent as soon as its dependency turns Ready (every interval and retry is 1h)', async () => {
    // The dependency's Deployment cannot schedule at first, so the dependent must wait.
    await f.push({ 'db/db.yaml': deployment('db', { schedulable: false }), 'app/app.yaml': configMap('app', 'x') });
    await f.kustomization('db', { path: './db', wait: true, timeout: '1h', retryInterval: '1h' });
    await f.kustomization('app', { path: './app', retryInterval: '1h', dependsOn: [{ name: 'db' }] });
    const waiting = await f.waitFor('app', (ks) => condition(ks, 'Ready')?.reason === 'DependencyNotReady');
    assert.match(condition(waiting, 'Ready')?.message ?? '', /db/);
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'app'), undefined);

    // Fix the dependency: only the dependency's Ready event can wake the dependent before its 1h retry.
    const fixed = await f.push({ 'db/db.yaml': deployment('db') });
    await f.waitReady('db', fixed, 90_000);
    const ready = await f.waitReady('app', fixed, 60_000);
    assert.equal(condition(ready, 'Ready')?.status, 'True');
    assert.notEqual(await f.cluster.get('v1', 'ConfigMap', f.ns, 'app'), undefined);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition } from '../support/cluster.js';
import { deployment, setupGitOps, type GitOpsFixture } from '../support/gitops.js';

describe('Kustomization: failing health checks', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('ks-health')));
  after(async () => f?.close());

  it('reports Healthy=False after the timeout; with rollback on, restores the last healthy revision and names both', async () => {
    const good = await f.push({ 'plain/web.yaml': deployment('web'), 'rb/web.yaml': deployment('web2') });
    await f.kustomization('plain', { path: './plain', wait: true, timeout: '8s' });
    await f.kustomization('rb', { path: './rb', wait: true, timeout: '8s', rollback: { enabled: true } });
    await f.waitReady('plain', good, 90_000);
    const healthy = await f.waitReady('rb', good, 90_000);
    assert.equal(condition(healthy, 'Healthy')?.status, 'True');

    const bad = await f.push({
      'plain/web.yaml': deployment('web', { schedulable: false }),
      'rb/web.yaml': deployment('web2', { schedulable: false }),
    });
    const plain = await f.waitFor(
      'plain',
      (ks) =>
        condition(ks, 'Healthy')?.status === 'False' && (ks.status?.lastAttemptedRevision?.endsWith(bad) ?? false),
      90_000
    );
    assert.equal(condition(plain, 'Ready')?.reason, 'HealthCheckFailed');
    assert.match(condition(plain, 'Ready')?.message ?? '', /Deployment\/.*web/);

    const rolled = await f.waitFor('rb', (ks) => condition(ks, 'Ready')?.reason === 'RolledBack', 90_000);
    const message = condition(rolled, 'Ready')?.message ?? '';
    assert.equal(condition(rolled, 'Ready')?.status, 'False');
    assert.ok(message.includes(bad) && message.includes(good), message);
    assert.ok(rolled.status?.lastAppliedRevision?.endsWith(good));
    const live = (await f.cluster.get('apps/v1', 'Deployment', f.ns, 'web2')) as {
      spec?: { template?: { spec?: { nodeSelector?: Record<string, string> } } };
    };
    assert.deepEqual(
      live.spec?.template?.spec?.nodeSelector,
      { type: 'kwok' },
      'the healthy revision is back in the cluster'
    );
  });
});

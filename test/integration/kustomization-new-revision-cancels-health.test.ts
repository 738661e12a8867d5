import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition } from '../support/cluster.js';
import { deployment, setupGitOps, type GitOpsFixture } from '../support/gitops.js';

describe('Kustomization: a new commit during a long health-check wait', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('ks-cancel')));
  after(async () => f?.close());

  it('is applied without waiting out the old timeout', async () => {
    const stuck = await f.push({ 'web.yaml': deployment('web', { schedulable: false }) });
    await f.kustomization('app', { wait: true, timeout: '1h', retryInterval: '1h' });
    await f.waitFor(
      'app',
      (ks) =>
        condition(ks, 'Reconciling')?.status === 'True' && (ks.status?.lastAttemptedRevision?.endsWith(stuck) ?? false)
    );
    // The health wait for `stuck` would last an hour; the new commit must cut it short.
    const fixed = await f.push({ 'web.yaml': deployment('web') });
    const ready = await f.waitReady('app', fixed, 90_000);
    assert.equal(condition(ready, 'Healthy')?.status, 'True');
  });
});

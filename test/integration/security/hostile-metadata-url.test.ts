import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitRepositoryKind } from '../../../api/gitrepository.js';
import { condition } from '../../support/cluster.js';
import { setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

describe('hostile input: a GitRepository pointing at the cloud metadata service', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('hostile-meta')));
  after(async () => f?.close());

  it('is refused at once, Ready=False and Stalled, with the policy and its opt-out named', async () => {
    const started = Date.now();
    await f.cluster.createGitRepository(f.ns, 'metadata', {
      url: 'http://169.254.169.254/latest/meta-data/iam.git',
      interval: '1h',
      ref: { branch: 'main' },
    });
    const refused = await f.cluster.waitForFlux(
      GitRepositoryKind,
      f.ns,
      'metadata',
      (o) => condition(o, 'Ready')?.status === 'False',
      20_000
    );
    const elapsed = Date.now() - started;
    const ready = condition(refused, 'Ready');
    assert.equal(ready?.reason, 'URLInvalid');
    assert.match(ready?.message ?? '', /'169\.254\.169\.254' is a link-local or cloud metadata address/);
    assert.match(ready?.message ?? '', /BALLAST_ALLOW_LINK_LOCAL_SOURCES=true/);
    assert.equal(condition(refused, 'Stalled')?.status, 'True');
    assert.equal(refused.status?.artifact, undefined, 'nothing was fetched or stored');
    // Refused before connecting: no connect timeout (30 s and more) was waited out.
    assert.ok(elapsed < 15_000, `refused after ${elapsed} ms`);
  });
});

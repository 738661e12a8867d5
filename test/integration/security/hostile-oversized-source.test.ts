import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitRepositoryKind } from '../../../api/gitrepository.js';
import { condition } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

describe('hostile input: a repository with a file over the size limit', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('hostile-size', { config: { sourceMaxFileSize: 16 * 1024 } })));
  after(async () => f?.close());

  it('fails the GitRepository naming the file and the variable, and keeps the last good artifact applied', async () => {
    const good = await f.push({ 'cm.yaml': configMap('settings', 'v1') });
    await f.kustomization('app', {});
    await f.waitReady('app', good);
    const before = await f.cluster.getFlux(GitRepositoryKind, f.ns, 'repo');

    const huge = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: "${'x'.repeat(20_000)}"\n`;
    const bad = await f.push({ 'cm.yaml': configMap('settings', 'v2'), 'huge.yaml': huge });
    const failed = await f.cluster.waitForFlux(
      GitRepositoryKind,
      f.ns,
      'repo',
      (o) => condition(o, 'Ready')?.status === 'False',
      60_000
    );
    const message = condition(failed, 'Ready')?.message ?? '';
    assert.match(message, /file 'huge\.yaml' \(19\.\d KiB\) exceeds the limit of 16 KiB/);
    assert.match(message, /BALLAST_SOURCE_MAX_FILE_SIZE/);
    assert.equal(failed.status?.artifact?.revision, before?.status?.artifact?.revision, 'artifact unchanged');
    assert.ok(!failed.status?.artifact?.revision?.endsWith(bad));
    const cm = (await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings')) as { data?: { value?: string } };
    assert.equal(cm.data?.value, 'v1', 'nothing of the oversized revision was applied');
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'huge'), undefined);
  });
});

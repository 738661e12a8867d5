import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GitRepositoryKind } from '../../api/gitrepository.js';
import { KustomizationKind } from '../../api/kustomization.js';
import { eventually } from '../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../support/gitops.js';

describe('Kustomization: suspend, resume and substitution', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('ks-suspend')));
  after(async () => f?.close());

  const value = async (name: string): Promise<string | undefined> =>
    ((await f.cluster.get('v1', 'ConfigMap', f.ns, name)) as { data?: { value?: string } } | undefined)?.data?.value;

  it('changes nothing while suspended and catches up on resume', async () => {
    const first = await f.push({ 's/cm.yaml': configMap('s', 'one') });
    await f.kustomization('susp', { path: './s' });
    await f.waitReady('susp', first);
    await f.cluster.patchFlux(KustomizationKind, f.ns, 'susp', { spec: { suspend: true } });
    const second = await f.push({ 's/cm.yaml': configMap('s', 'two') });
    // Wait until the source has the new revision, then give a suspended reconcile time to (not) happen.
    await eventually(
      async () =>
        (await f.cluster.getFlux(GitRepositoryKind, f.ns, 'repo'))?.status?.artifact?.revision.endsWith(second)
          ? true
          : undefined,
      () => 'source not updated'
    );
    await sleep(3000);
    assert.equal(await value('s'), 'one', 'suspended: not updated');
    await f.cluster.patchFlux(KustomizationKind, f.ns, 'susp', { spec: { suspend: false } });
    await f.waitReady('susp', second);
    assert.equal(await value('s'), 'two');
  });

  it('substitutes variables, using defaults when an optional substituteFrom source is missing', async () => {
    const tpl =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\ndata:\n  value: "${greeting:=hello}-${target}"\n';
    const rev = await f.push({ 'sub/cm.yaml': tpl });
    await f.kustomization('sub', {
      path: './sub',
      postBuild: {
        substitute: { target: 'world' },
        substituteFrom: [{ kind: 'ConfigMap', name: 'does-not-exist', optional: true }],
      },
    });
    await f.waitReady('sub', rev);
    assert.equal(await value('sub'), 'hello-world');
  });
});

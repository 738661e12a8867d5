import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configMap, setupGitOps, type GitOpsFixture } from '../support/gitops.js';

describe('Kustomization: a commit is applied, updated and pruned', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('ks-apply')));
  after(async () => f?.close());

  const data = async (name: string): Promise<string | undefined> =>
    ((await f.cluster.get('v1', 'ConfigMap', f.ns, name)) as { data?: Record<string, string> } | undefined)?.data
      ?.value;

  it('applies, updates, prunes — and keeps objects when prune is off', async () => {
    const first = await f.push({
      'app/a.yaml': configMap('a', 'one'),
      'app/b.yaml': configMap('b', 'one'),
      'keep/k.yaml': configMap('k', 'one'),
    });
    await f.kustomization('app', { path: './app' });
    await f.kustomization('keep', { path: './keep', prune: false });
    const applied = await f.waitReady('app', first);
    assert.equal(applied.status?.inventory?.entries.length, 2);
    assert.equal(await data('a'), 'one');
    await f.waitReady('keep', first);

    // The second commit changes a field in a and drops b (and k, whose Kustomization does not prune).
    const second = await f.push({
      'app/a.yaml': configMap('a', 'two'),
      'app/b.yaml': null,
      'keep/k.yaml': null,
      'keep/other.yaml': configMap('other', 'x'),
    });
    await f.waitReady('app', second);
    assert.equal(await data('a'), 'two');
    assert.equal(await data('b'), undefined, 'b pruned');
    await f.waitReady('keep', second);
    assert.equal(await data('k'), 'one', 'k kept: prune is off');
    const ks = await f.get('app');
    assert.deepEqual(
      ks?.status?.inventory?.entries.map((e) => e.id),
      [`${f.ns}_a__ConfigMap`]
    );
    assert.ok(ks?.metadata.finalizers?.includes('finalizers.fluxcd.io'));
    assert.equal(ks?.status?.observedGeneration, ks?.metadata.generation);
  });
});

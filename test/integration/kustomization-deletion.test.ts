import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KustomizationKind } from '../../api/kustomization.js';
import { eventually } from '../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../support/gitops.js';

describe('Kustomization: deletion', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('ks-delete')));
  after(async () => f?.close());

  it('prunes its objects when prune is on, keeps them when off, and removes the finalizer', async () => {
    const rev = await f.push({ 'p/cm.yaml': configMap('pruned', 'x'), 'k/cm.yaml': configMap('kept', 'x') });
    await f.kustomization('p', { path: './p' });
    await f.kustomization('k', { path: './k', prune: false });
    await f.waitReady('p', rev);
    await f.waitReady('k', rev);
    await f.cluster.deleteFlux(KustomizationKind, f.ns, 'p');
    await f.cluster.deleteFlux(KustomizationKind, f.ns, 'k');
    for (const name of ['p', 'k']) {
      await eventually(
        async () => ((await f.get(name)) === undefined ? true : undefined),
        async () => JSON.stringify((await f.get(name))?.metadata)
      );
    }
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'pruned'), undefined);
    assert.notEqual(await f.cluster.get('v1', 'ConfigMap', f.ns, 'kept'), undefined);
  });
});

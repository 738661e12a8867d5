import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

describe('hostile input: Kustomizations that depend on each other', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('hostile-cycle')));
  after(async () => f?.close());

  it('reports the cycle, A -> B -> A, instead of waiting silently', async () => {
    await f.push({ 'a/a.yaml': configMap('a', '1'), 'b/b.yaml': configMap('b', '1') });
    await f.kustomization('a', { path: './a', dependsOn: [{ name: 'b' }] });
    await f.kustomization('b', { path: './b', dependsOn: [{ name: 'a' }] });
    const a = await f.waitFor('a', (ks) => /circular/.test(condition(ks, 'Ready')?.message ?? ''));
    assert.equal(condition(a, 'Ready')?.reason, 'DependencyNotReady');
    assert.match(
      condition(a, 'Ready')?.message ?? '',
      new RegExp(`circular dependency: ${f.ns}/a -> ${f.ns}/b -> ${f.ns}/a`)
    );
    const b = await f.waitFor('b', (ks) => /circular/.test(condition(ks, 'Ready')?.message ?? ''));
    assert.match(condition(b, 'Ready')?.message ?? '', new RegExp(`${f.ns}/b -> ${f.ns}/a -> ${f.ns}/b`));
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'a'), undefined, 'nothing applied');
  });

  it('reports a Kustomization that depends on itself', async () => {
    await f.kustomization('self', { path: './a', dependsOn: [{ name: 'self' }] });
    const self = await f.waitFor('self', (ks) => condition(ks, 'Ready')?.reason === 'DependencyNotReady');
    assert.match(
      condition(self, 'Ready')?.message ?? '',
      new RegExp(`circular dependency: ${f.ns}/self -> ${f.ns}/self`)
    );
  });
});

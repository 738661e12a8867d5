import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KustomizationKind } from '../../../api/kustomization.js';
import { condition } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

describe('hostile input: the same object twice in a Kustomization', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('hostile-dup')));
  after(async () => f?.close());

  it('fails the build naming the object and both files, and applies nothing of that revision', async () => {
    const good = await f.push({ 'app/a.yaml': configMap('settings', 'v1') });
    await f.kustomization('app', { path: './app' });
    await f.waitReady('app', good);

    // No kustomization.yaml: Ballast generates one listing both files, as Flux does.
    const bad = await f.push({ 'app/a.yaml': configMap('settings', 'v2'), 'app/b.yaml': configMap('settings', 'v3') });
    const failed = await f.waitFor(
      'app',
      (ks) => condition(ks, 'Ready')?.status === 'False' && (ks.status?.lastAttemptedRevision?.endsWith(bad) ?? false)
    );
    const ready = condition(failed, 'Ready');
    assert.equal(ready?.reason, 'BuildFailed');
    assert.match(
      ready?.message ?? '',
      /duplicate object ConfigMap\/settings: it is defined more than once \(in a\.yaml and b\.yaml\)/
    );
    assert.ok(failed.status?.lastAppliedRevision?.endsWith(good));
    const cm = (await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings')) as { data?: { value?: string } };
    assert.equal(cm.data?.value, 'v1', 'neither copy was applied');
  });

  it('fails when variable substitution makes two objects one', async () => {
    const bad = await f.push({
      'app/a.yaml': configMap('settings', 'v1'),
      'app/b.yaml': configMap('${name}', 'v4'),
    });
    await f.cluster.patchFlux(KustomizationKind, f.ns, 'app', {
      spec: { postBuild: { substitute: { name: 'settings' } } },
    });
    const failed = await f.waitFor(
      'app',
      (ks) =>
        condition(ks, 'Ready')?.status === 'False' &&
        (ks.status?.lastAttemptedRevision?.endsWith(bad) ?? false) &&
        /after variable substitution/.test(condition(ks, 'Ready')?.message ?? '')
    );
    assert.match(condition(failed, 'Ready')?.message ?? '', /duplicate object ConfigMap\/.*settings/);
    const cm = (await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings')) as { data?: { value?: string } };
    assert.equal(cm.data?.value, 'v1');
  });
});

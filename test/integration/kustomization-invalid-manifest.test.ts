import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition } from '../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../support/gitops.js';

const badService = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 99999
`;

describe('Kustomization: an invalid manifest in a new revision', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('ks-invalid')));
  after(async () => f?.close());

  it("fails with the apiserver's message, applies nothing of that revision, keeps the previous objects", async () => {
    const good = await f.push({ 'cm.yaml': configMap('settings', 'v1') });
    await f.kustomization('app', {});
    await f.waitReady('app', good);
    const before = await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings');

    const bad = await f.push({ 'cm.yaml': configMap('settings', 'v2'), 'svc.yaml': badService });
    const failed = await f.waitFor(
      'app',
      (ks) => condition(ks, 'Ready')?.status === 'False' && (ks.status?.lastAttemptedRevision?.endsWith(bad) ?? false)
    );
    const ready = condition(failed, 'Ready');
    assert.match(ready?.message ?? '', /Service\/.*web.*99999|must be between 1 and 65535/);
    assert.equal(ready?.reason, 'ReconciliationFailed');
    assert.ok(failed.status?.lastAppliedRevision?.endsWith(good), 'last applied revision is still the good one');
    const after = await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings');
    assert.equal(
      (after as { data?: { value?: string } }).data?.value,
      'v1',
      'the valid ConfigMap change of the bad revision was not applied'
    );
    assert.equal(after?.metadata?.resourceVersion, before?.metadata?.resourceVersion);
    assert.equal(await f.cluster.get('v1', 'Service', f.ns, 'web'), undefined);
  });

  it('fails with a build error when a manifest is not valid YAML', async () => {
    const broken = await f.push({ 'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' });
    const failed = await f.waitFor(
      'app',
      (ks) =>
        condition(ks, 'Ready')?.status === 'False' && (ks.status?.lastAttemptedRevision?.endsWith(broken) ?? false)
    );
    assert.equal(condition(failed, 'Ready')?.reason, 'BuildFailed');
    assert.match(condition(failed, 'Ready')?.message ?? '', /kustomize build failed|broken\.yaml|yaml/i);
  });
});

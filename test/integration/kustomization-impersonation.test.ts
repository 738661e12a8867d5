import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition } from '../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../support/gitops.js';

const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  token: x\n';

describe('Kustomization: serviceAccountName impersonation', () => {
  let f: GitOpsFixture;
  before(async () => {
    f = await setupGitOps('ks-tenant');
    // The tenant's ServiceAccount may manage ConfigMaps in its namespace and nothing else.
    const rbac = f.ballast.kc.makeApiClient(RbacAuthorizationV1Api);
    await f.cluster.core.createNamespacedServiceAccount({ namespace: f.ns, body: { metadata: { name: 'deployer' } } });
    await rbac.createNamespacedRole({
      namespace: f.ns,
      body: { metadata: { name: 'configmaps' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: f.ns,
      body: {
        metadata: { name: 'deployer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: f.ns }],
      },
    });
  });
  after(async () => f?.close());

  it("applies what the ServiceAccount may create and refuses the rest with the apiserver's message", async () => {
    const allowed = await f.push({ 'cm.yaml': configMap('settings', 'one') });
    await f.kustomization('tenant', { serviceAccountName: 'deployer' });
    await f.waitReady('tenant', allowed);
    assert.notEqual(await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings'), undefined);

    const denied = await f.push({ 'cm.yaml': configMap('settings', 'two'), 'secret.yaml': secret });
    const failed = await f.waitFor(
      'tenant',
      (ks) =>
        condition(ks, 'Ready')?.status === 'False' && (ks.status?.lastAttemptedRevision?.endsWith(denied) ?? false)
    );
    const message = condition(failed, 'Ready')?.message ?? '';
    assert.match(message, /forbidden/i);
    assert.match(message, /system:serviceaccount:.*:deployer/);
    assert.equal(await f.cluster.get('v1', 'Secret', f.ns, 'creds'), undefined, 'the Secret was not created');
    const cm = (await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings')) as { data?: { value?: string } };
    assert.equal(cm.data?.value, 'one', 'nothing of the refused revision was applied');
  });
});

import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HelmChartKind } from '../../../api/helmchart.js';
import { HelmReleaseKind } from '../../../api/helmrelease.js';
import { condition, eventually, type FluxObject } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';
import { uniqueName } from '../../support/names.js';

const clusterRole = (name: string): string =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${name}\nrules:\n  - apiGroups: ['']\n    resources: ['secrets']\n    verbs: ['*']\n`;

const namespaced = (manifest: string, namespace: string): string =>
  manifest.replace('metadata:\n', `metadata:\n  namespace: ${namespace}\n`);

/**
 * The worker runs locked down as Flux's multi-tenancy docs recommend: a default ServiceAccount,
 * no cross-namespace references, no remote bases. The tenant's namespace has that ServiceAccount,
 * allowed ConfigMaps in its own namespace and nothing else.
 */
describe('multi-tenancy lockdown', () => {
  let f: GitOpsFixture;
  let other: string;
  /** Waits for Ready=False (with `reason`, when given), at `commit` when given. */
  const failedWith = (name: string, opts: { reason?: string; commit?: string }): Promise<FluxObject> =>
    f.waitFor(name, (ks) => {
      const ready = condition(ks, 'Ready');
      const atCommit = !opts.commit || (ks.status?.lastAttemptedRevision?.endsWith(opts.commit) ?? false);
      return ready?.status === 'False' && atCommit && (!opts.reason || ready.reason === opts.reason);
    });

  before(async () => {
    f = await setupGitOps('tenancy', {
      config: { defaultServiceAccount: 'tenant', noCrossNamespaceRefs: true, noRemoteBases: true },
    });
    other = uniqueName('tenancy-other');
    await f.cluster.createNamespace(other);
    const rbac = f.ballast.kc.makeApiClient(RbacAuthorizationV1Api);
    await f.cluster.core.createNamespacedServiceAccount({ namespace: f.ns, body: { metadata: { name: 'tenant' } } });
    await rbac.createNamespacedRole({
      namespace: f.ns,
      body: { metadata: { name: 'configmaps' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: f.ns,
      body: {
        metadata: { name: 'tenant' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' },
        subjects: [{ kind: 'ServiceAccount', name: 'tenant', namespace: f.ns }],
      },
    });
  });
  after(async () => f?.close());

  it('acts as the default ServiceAccount: applies what its RBAC allows, nothing beyond', async () => {
    const allowed = await f.push({ 'tenant/cm.yaml': namespaced(configMap('settings', 'one'), f.ns) });
    // No serviceAccountName and no targetNamespace: only the default ServiceAccount bounds it.
    await f.kustomization('tenant', { path: './tenant', targetNamespace: undefined });
    await f.waitReady('tenant', allowed);
    assert.notEqual(await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings'), undefined);

    const escalation = uniqueName('tenant-escalation');
    const clusterWide = await f.push({ 'tenant/role.yaml': clusterRole(escalation) });
    const refused = await failedWith('tenant', { commit: clusterWide });
    const message = condition(refused, 'Ready')?.message ?? '';
    assert.match(message, /forbidden/i);
    assert.match(message, new RegExp(`system:serviceaccount:${f.ns}:tenant`));
    assert.equal(
      await f.cluster.get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, escalation),
      undefined,
      'the ClusterRole was not created'
    );

    const elsewhere = await f.push({
      'tenant/role.yaml': null,
      'tenant/other.yaml': namespaced(configMap('intruder', 'x'), other),
    });
    const refusedElsewhere = await failedWith('tenant', { commit: elsewhere });
    assert.match(condition(refusedElsewhere, 'Ready')?.message ?? '', /forbidden/i);
    assert.equal(
      await f.cluster.get('v1', 'ConfigMap', other, 'intruder'),
      undefined,
      'nothing in the other namespace'
    );
  });

  it("refuses another namespace's source or dependency with AccessDenied, applying nothing", async () => {
    await f.push({ 'cross/cm.yaml': configMap('crossed', 'x') });
    await f.kustomization('cross-source', {
      path: './cross',
      sourceRef: { kind: 'GitRepository', name: 'repo', namespace: other },
    });
    await f.kustomization('cross-dependency', { path: './cross', dependsOn: [{ name: 'base', namespace: other }] });
    const bySource = condition(await failedWith('cross-source', { reason: 'AccessDenied' }), 'Ready');
    assert.equal(
      bySource?.message,
      `can't access 'GitRepository/${other}/repo', cross-namespace references have been blocked`
    );
    const byDependency = condition(await failedWith('cross-dependency', { reason: 'AccessDenied' }), 'Ready');
    assert.equal(
      byDependency?.message,
      `can't access 'Kustomization/${other}/base', cross-namespace references have been blocked`
    );
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'crossed'), undefined, 'nothing was applied');
  });

  it('refuses a HelmRelease whose chart comes from another namespace, generating no HelmChart there', async () => {
    await f.cluster.createFlux(HelmReleaseKind, f.ns, 'app', {
      interval: '1h',
      chart: { spec: { chart: 'app', sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: other } } },
    });
    const hr = await eventually(
      async () => {
        const obj = await f.cluster.getFlux(HelmReleaseKind, f.ns, 'app');
        return condition(obj, 'Ready')?.reason === 'AccessDenied' ? obj : undefined;
      },
      async () => JSON.stringify((await f.cluster.getFlux(HelmReleaseKind, f.ns, 'app'))?.status ?? 'absent'),
      60_000
    );
    assert.equal(
      condition(hr, 'Ready')?.message,
      `can't access 'HelmRepository/${other}/charts', cross-namespace references have been blocked`
    );
    assert.equal(await f.cluster.getFlux(HelmChartKind, other, `${f.ns}-app`), undefined, 'no HelmChart was generated');
  });

  it('refuses a remote base, naming the file and the entry', async () => {
    const remote = 'https://github.com/example/config//base?ref=v1';
    const commit = await f.push({
      'remote/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n  - ${remote}\n`,
      'remote/cm.yaml': configMap('remote-local', 'x'),
    });
    await f.kustomization('remote', { path: './remote' });
    const failed = condition(await failedWith('remote', { reason: 'BuildFailed', commit }), 'Ready');
    assert.match(
      failed?.message ?? '',
      /remote\/kustomization\.yaml: resources entry 'https:\/\/github\.com\/example\/config\/\/base\?ref=v1' is remote/
    );
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'remote-local'), undefined, 'nothing was applied');
  });
});

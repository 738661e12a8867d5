import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClients } from '../../../../activities/kube/client.js';
import { tenantUser, withDefaultServiceAccount } from '../../../../activities/kube/impersonation.js';
import { crossNamespaceDenial } from '../../../../activities/tenancy/cross-namespace.js';
import { loadConfig } from '../../../../workers/config.js';

describe('crossNamespaceDenial', () => {
  it('allows references without a namespace or in the same one', () => {
    const refs = [
      { kind: 'GitRepository', name: 'repo' },
      { kind: 'Kustomization', name: 'base', namespace: 'team-a' },
      { kind: 'HelmRelease', name: 'db', namespace: '' },
    ];
    assert.equal(crossNamespaceDenial('team-a', refs), undefined);
  });

  it("names the first reference into another namespace, in Flux's words", () => {
    const refs = [
      { kind: 'GitRepository', name: 'repo' },
      { kind: 'Kustomization', name: 'infra', namespace: 'flux-system' },
      { kind: 'Kustomization', name: 'other', namespace: 'team-b' },
    ];
    assert.equal(
      crossNamespaceDenial('team-a', refs),
      "can't access 'Kustomization/flux-system/infra', cross-namespace references have been blocked"
    );
  });
});

describe('tenantUser', () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const base = createKubeClients(kc);

  it("is the object's own ServiceAccount when it names one", () => {
    const locked = withDefaultServiceAccount(base, 'tenant');
    assert.equal(tenantUser(locked, 'team-a', 'deployer'), 'system:serviceaccount:team-a:deployer');
  });

  it("falls back to the default ServiceAccount in the object's namespace", () => {
    const locked = withDefaultServiceAccount(base, 'tenant');
    assert.equal(tenantUser(locked, 'team-a', undefined), 'system:serviceaccount:team-a:tenant');
  });

  it('is the controller itself without a default', () => {
    assert.equal(tenantUser(base, 'team-a', undefined), undefined);
    assert.equal(withDefaultServiceAccount(base, undefined), base);
  });
});

describe('lockdown configuration', () => {
  it('reads the three options from the environment', () => {
    const config = loadConfig({
      BALLAST_NO_CROSS_NAMESPACE_REFS: 'true',
      BALLAST_DEFAULT_SERVICE_ACCOUNT: 'tenant',
      BALLAST_NO_REMOTE_BASES: '1',
    });
    assert.equal(config.noCrossNamespaceRefs, true);
    assert.equal(config.defaultServiceAccount, 'tenant');
    assert.equal(config.noRemoteBases, true);
  });

  it('is off by default', () => {
    const config = loadConfig({});
    assert.equal(config.noCrossNamespaceRefs, false);
    assert.equal(config.defaultServiceAccount, undefined);
    assert.equal(config.noRemoteBases, false);
  });

  it('names the variable of a bad ServiceAccount name', () => {
    assert.throws(
      () => loadConfig({ BALLAST_DEFAULT_SERVICE_ACCOUNT: 'Tenant:admin' }),
      /BALLAST_DEFAULT_SERVICE_ACCOUNT: a ServiceAccount name/
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependsOn, usesSource, type Watched } from '../../../../workers/controller/dependents.js';

const ks = (spec: Watched['spec'], ns = 'apps', name = 'web'): Watched => ({
  kind: 'Kustomization',
  metadata: { name, namespace: ns },
  spec,
});

describe('usesSource', () => {
  const git = { kind: 'GitRepository', namespace: 'apps', name: 'repo' };
  it('matches a Kustomization on its sourceRef, namespace defaulting to its own', () => {
    assert.equal(usesSource(ks({ sourceRef: { kind: 'GitRepository', name: 'repo' } }), git), true);
    assert.equal(usesSource(ks({ sourceRef: { kind: 'GitRepository', name: 'repo' } }, 'other'), git), false);
    assert.equal(
      usesSource(ks({ sourceRef: { kind: 'GitRepository', name: 'repo', namespace: 'apps' } }, 'other'), git),
      true
    );
    assert.equal(usesSource(ks({ sourceRef: { kind: 'OCIRepository', name: 'repo' } }), git), false);
  });
  it('matches a HelmChart on its HelmRepository', () => {
    const chart: Watched = {
      kind: 'HelmChart',
      metadata: { name: 'apps-web', namespace: 'apps' },
      spec: { sourceRef: { kind: 'HelmRepository', name: 'charts' } },
    };
    assert.equal(usesSource(chart, { kind: 'HelmRepository', namespace: 'apps', name: 'charts' }), true);
  });
  it('matches a HelmRelease on the HelmChart its spec.chart generates', () => {
    const hr: Watched = {
      kind: 'HelmRelease',
      metadata: { name: 'web', namespace: 'apps' },
      spec: { chart: { spec: { sourceRef: { namespace: 'flux' } } } },
    };
    assert.equal(usesSource(hr, { kind: 'HelmChart', namespace: 'flux', name: 'apps-web' }), true);
    assert.equal(usesSource(hr, { kind: 'HelmChart', namespace: 'apps', name: 'apps-web' }), false);
  });
  it('matches a HelmRelease on its chartRef', () => {
    const hr: Watched = {
      kind: 'HelmRelease',
      metadata: { name: 'web', namespace: 'apps' },
      spec: { chartRef: { kind: 'HelmChart', name: 'shared' } },
    };
    assert.equal(usesSource(hr, { kind: 'HelmChart', namespace: 'apps', name: 'shared' }), true);
  });
});

describe('dependsOn', () => {
  it('matches same-kind dependencies by name and namespace', () => {
    assert.equal(
      dependsOn(ks({ dependsOn: [{ name: 'db' }] }), { kind: 'Kustomization', namespace: 'apps', name: 'db' }),
      true
    );
    assert.equal(
      dependsOn(ks({ dependsOn: [{ name: 'db' }] }), { kind: 'Kustomization', namespace: 'infra', name: 'db' }),
      false
    );
    assert.equal(
      dependsOn(ks({ dependsOn: [{ name: 'db', namespace: 'infra' }] }), {
        kind: 'Kustomization',
        namespace: 'infra',
        name: 'db',
      }),
      true
    );
  });
  it('matches a cross-kind dependency only when it names the kind', () => {
    const subject = { kind: 'HelmRelease', namespace: 'apps', name: 'db' };
    assert.equal(dependsOn(ks({ dependsOn: [{ name: 'db' }] }), subject), false);
    assert.equal(dependsOn(ks({ dependsOn: [{ name: 'db', kind: 'HelmRelease' }] }), subject), true);
  });
});

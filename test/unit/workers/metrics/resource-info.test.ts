import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GitRepositoryKind } from '../../../../api/gitrepository.js';
import { HelmChartKind } from '../../../../api/helmchart.js';
import { HelmReleaseKind } from '../../../../api/helmrelease.js';
import { KustomizationKind } from '../../../../api/kustomization.js';
import { resourceInfoLabels } from '../../../../workers/metrics/resource-info.js';

const readyTrue = { conditions: [{ type: 'Ready', status: 'True' }] };

describe('gotk_resource_info labels', () => {
  it('Kustomization: applied revision and source name, as kube-state-metrics in Flux’s example', () => {
    const labels = resourceInfoLabels(KustomizationKind, {
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { sourceRef: { name: 'repo' } },
      status: { ...readyTrue, lastAppliedRevision: 'main@sha1:a', lastAttemptedRevision: 'main@sha1:b' },
    });
    assert.deepEqual(labels, {
      customresource_group: 'kustomize.toolkit.fluxcd.io',
      customresource_kind: 'Kustomization',
      customresource_version: 'v1',
      exported_namespace: 'flux-system',
      name: 'apps',
      ready: 'True',
      suspended: 'false',
      revision: 'main@sha1:a',
      source_name: 'repo',
      url: '',
      chart_name: '',
      chart_version: '',
      chart_source_name: '',
    });
  });

  const table = [
    {
      name: 'GitRepository: the artifact revision and url; suspended',
      kind: GitRepositoryKind,
      obj: {
        spec: { suspend: true, url: 'https://git.example/repo' },
        status: { artifact: { revision: 'main@sha1:c' } },
      },
      want: { revision: 'main@sha1:c', url: 'https://git.example/repo', suspended: 'true', ready: '' },
    },
    {
      name: 'HelmRelease: the released chart version and the chart template',
      kind: HelmReleaseKind,
      obj: {
        spec: { chart: { spec: { chart: 'podinfo', sourceRef: { name: 'charts' } } } },
        status: { conditions: [{ type: 'Ready', status: 'False' }], history: [{ chartVersion: '6.5.0' }] },
      },
      want: { revision: '6.5.0', chart_name: 'podinfo', chart_source_name: 'charts', ready: 'False' },
    },
    {
      name: 'HelmChart: chart name and version range',
      kind: HelmChartKind,
      obj: { spec: { chart: 'podinfo', version: '6.x' }, status: { artifact: { revision: '6.5.0' } } },
      want: { revision: '6.5.0', chart_name: 'podinfo', chart_version: '6.x' },
    },
  ];
  for (const { name, kind, obj, want } of table) {
    it(name, () => {
      const labels = resourceInfoLabels(kind, obj);
      for (const [k, v] of Object.entries(want)) assert.equal(labels[k as keyof typeof labels], v, k);
    });
  }
});

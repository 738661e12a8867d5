import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { GitRepositoryKind } from '../../../../api/gitrepository.js';
import { KustomizationKind } from '../../../../api/kustomization.js';
import type { KindDescriptor } from '../../../../api/meta.js';
import { createControllerMetrics } from '../../../../workers/metrics/controller-metrics.js';
import { seriesValue } from './series.js';

describe('controller metrics', () => {
  it('exports one gotk_resource_info series per cached object, rebuilt at each scrape', async () => {
    let cache: { kind: KindDescriptor; object: unknown }[] = [
      {
        kind: KustomizationKind,
        object: {
          metadata: { name: 'apps', namespace: 'ns' },
          status: { conditions: [{ type: 'Ready', status: 'True' }], lastAppliedRevision: 'main@sha1:a' },
        },
      },
      { kind: GitRepositoryKind, object: { metadata: { name: 'repo', namespace: 'ns' }, spec: { url: 'u' } } },
    ];
    const registry = new Registry();
    createControllerMetrics(registry, { cachedObjects: () => cache });
    const text = await registry.metrics();
    assert.match(
      text,
      /gotk_resource_info\{[^}]*customresource_kind="Kustomization"[^}]*ready="True"[^}]*revision="main@sha1:a"[^}]*\} 1/
    );
    assert.match(
      text,
      /gotk_resource_info\{[^}]*customresource_kind="GitRepository"[^}]*name="repo"[^}]*url="u"[^}]*\} 1/
    );
    assert.match(text, /process_cpu_user_seconds_total/);

    cache = cache.slice(1);
    assert.equal(
      await seriesValue(registry, 'gotk_resource_info', { customresource_kind: 'Kustomization' }),
      undefined
    );
    assert.equal(await seriesValue(registry, 'gotk_resource_info', { customresource_kind: 'GitRepository' }), 1);
  });
});

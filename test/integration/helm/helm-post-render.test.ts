import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { createHelm, type Helm } from '../../../activities/helm/helm.js';
import { kustomizationFor } from '../../../activities/helm/post-render.js';
import { writeTestChart } from '../../../tools/localenv/chart-repo.js';
import { toolPath } from '../../../tools/toolchain/build.js';

// Rendering only: the real helm and kustomize binaries, no cluster.
describe('the kustomize post-renderer plugin with the real helm', () => {
  let helm: Helm;
  let work: string;
  let chart: string;

  before(async () => {
    helm = createHelm({ binary: toolPath('helm'), kubeconfigPath: '/dev/null' });
    work = await mkdtemp(path.join(tmpdir(), 'helm-post-'));
    chart = await writeTestChart(path.join(work, 'web'), { name: 'web', version: '1.0.0', deployment: true });
  });
  after(() => rm(work, { recursive: true, force: true }));

  const render = async (passes: Parameters<typeof kustomizationFor>[0][]) => {
    const out = await helm.template({
      releaseName: 'web',
      namespace: 'apps',
      chart,
      postRender: { kustomizeBinary: toolPath('kustomize'), kustomizations: passes.map(kustomizationFor) },
    });
    return parseAllDocuments(out).map((d) => d.toJS() as Record<string, never>);
  };

  it('applies patches and images, pass after pass', async () => {
    const objects = await render([
      { images: [{ name: 'busybox', newName: 'registry.example/busybox', newTag: '1.36' }] },
      {
        patches: [
          { patch: '- op: add\n  path: /metadata/labels\n  value: {pass: two}\n', target: { kind: 'Deployment' } },
        ],
      },
    ]);
    const deploy = objects.find((o) => o.kind === 'Deployment') as unknown as {
      metadata: { labels?: Record<string, string> };
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    assert.equal(deploy.spec.template.spec.containers[0]?.image, 'registry.example/busybox:1.36');
    assert.deepEqual(deploy.metadata.labels, { pass: 'two' });
    assert.ok(
      objects.some((o) => o.kind === 'ConfigMap'),
      'other objects pass through'
    );
  });

  it("fails with kustomize's message when a patch cannot apply", async () => {
    await assert.rejects(
      render([
        { patches: [{ patch: '- op: replace\n  path: /spec/nope\n  value: 1\n', target: { kind: 'ConfigMap' } }] },
      ]),
      /nope|replace|post-render/i
    );
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KustomizationSpec } from '../../../../api/kustomization.js';
import { layOutBuildView } from '../../../../activities/kustomization/build-view.js';
import { ArtifactCheckouts, type ArtifactReader } from '../../../../activities/kustomization/checkouts.js';
import { buildManifests, InvalidPathError } from '../../../../activities/kustomize/build.js';
import { packDirectory } from '../../../../activities/source/archive.js';
import { LocalArtifactStore, type StoredArtifact } from '../../../../activities/source/artifact-store.js';
import { toolPath } from '../../../../tools/toolchain/build.js';

const deployment = (name: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers: [{name: app, image: nginx:1}]\n`;

/** A repository with the layouts the view must keep working: bases, components, overlays, plain directories. */
const FILES: Record<string, string> = {
  'kustomization.yaml': 'resources: [base]\n',
  'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
  'base/deployment.yaml': deployment('web'),
  'components/probe/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs: {probed: "yes"}\n',
  'apps/overlay/kustomization.yaml': 'resources: [../../base, extra.yaml]\nnamePrefix: prod-\n',
  'apps/overlay/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata: {a: "1"}\n',
  'apps/plain/one.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n',
  'apps/plain/nested/two.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n',
  'apps/other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n',
};

/** What the builds must produce whether they share one extraction or each extract their own. */
const SPECS: KustomizationSpec[] = [
  { path: './apps/overlay', targetNamespace: 'prod', components: ['../../components/probe'] },
  { path: 'apps/plain', namePrefix: 'p-', images: [{ name: 'nginx', newTag: '2' }] },
  {
    path: './apps/overlay',
    patches: [{ patch: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata: {a: "2"}\n' }],
  },
  { path: './' },
  { path: './apps', targetNamespace: 'all' },
] as unknown as KustomizationSpec[];

/** sha256 of every file under `dir`, by relative path: proves the shared tree is never written to. */
async function treeHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
  }
  return out;
}

describe('builds share one extracted artifact', () => {
  const kustomizeBinary = toolPath('kustomize');
  let root: string;
  let store: LocalArtifactStore;
  let artifact: StoredArtifact;
  let extractions = 0;
  const counting: ArtifactReader = {
    extractTo: (p, digest, dir) => (extractions++, store.extractTo(p, digest, dir)),
  };

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ballast-checkouts-test-'));
    const src = path.join(root, 'src');
    for (const [file, content] of Object.entries(FILES)) {
      await mkdir(path.dirname(path.join(src, file)), { recursive: true });
      await writeFile(path.join(src, file), content);
    }
    store = new LocalArtifactStore(path.join(root, 'store'));
    const packed = await packDirectory(src, { outFile: path.join(root, 'a.tar.gz') });
    artifact = await store.put({ kind: 'gitrepository', namespace: 'ns', name: 'repo' }, packed.file);
  });
  after(() => rm(root, { recursive: true, force: true }));

  const build = (spec: KustomizationSpec, artifactDir: string): ReturnType<typeof buildManifests> =>
    buildManifests({ spec, artifactDir, ownerLabels: { owner: 'test' } }, { kustomizeBinary, timeoutMs: 30_000 });

  it('builds through a view exactly what a private full extraction builds, concurrently, extracting once', async () => {
    const expected = [];
    for (const [i, spec] of SPECS.entries()) {
      const own = path.join(root, `own-${i}`);
      await store.extractTo(artifact.path, artifact.digest, own);
      expected.push((await build(spec, own)).digest);
    }
    const checkouts = new ArtifactCheckouts(counting, { parent: root });
    const pristine = await checkouts.acquire(artifact.path, artifact.digest);
    const before = await treeHashes(pristine.dir);
    const viaViews = await Promise.all(
      SPECS.map(async (spec, i) => {
        const checkout = await checkouts.acquire(artifact.path, artifact.digest);
        const view = path.join(root, `view-${i}`);
        try {
          await layOutBuildView(checkout.dir, spec.path, view);
          return (await build(spec, view)).digest;
        } finally {
          checkout.release();
        }
      })
    );
    assert.deepEqual(viaViews, expected);
    assert.equal(extractions, 1, 'one extraction for all builds of the digest');
    assert.deepEqual(await treeHashes(pristine.dir), before, 'the shared tree is unchanged by the builds');
    pristine.release();
  });

  it('copies only the build directory; its siblings and the rest are links into the shared tree', async () => {
    const checkouts = new ArtifactCheckouts(store, { parent: root });
    const checkout = await checkouts.acquire(artifact.path, artifact.digest);
    const view = path.join(root, 'view-layout');
    const dir = await layOutBuildView(checkout.dir, './apps/plain', view);
    assert.equal(dir, path.join(view, 'apps/plain'));
    assert.ok((await stat(path.join(view, 'apps/plain/nested/two.yaml'))).isFile());
    const { lstat } = await import('node:fs/promises');
    assert.ok((await lstat(path.join(view, 'apps/plain/one.yaml'))).isFile(), 'build directory is copied');
    assert.ok((await lstat(path.join(view, 'apps/other'))).isSymbolicLink(), 'sibling is linked');
    assert.ok((await lstat(path.join(view, 'base'))).isSymbolicLink(), 'other top-level entries are linked');
    checkout.release();
  });

  it('refuses a path outside the artifact or missing from it, as a full extraction did', async () => {
    const checkouts = new ArtifactCheckouts(store, { parent: root });
    const checkout = await checkouts.acquire(artifact.path, artifact.digest);
    await assert.rejects(layOutBuildView(checkout.dir, '../../etc', path.join(root, 'v1')), InvalidPathError);
    await assert.rejects(layOutBuildView(checkout.dir, './apps/missing', path.join(root, 'v2')), InvalidPathError);
    checkout.release();
  });

  it('keeps the most recently used idle trees and deletes older ones', async () => {
    const checkouts = new ArtifactCheckouts(store, { parent: root, keep: 1 });
    const second = await store.put(
      { kind: 'gitrepository', namespace: 'ns', name: 'repo2' },
      (await packDirectory(path.join(root, 'src', 'apps'), { outFile: path.join(root, 'b.tar.gz') })).file
    );
    const a = await checkouts.acquire(artifact.path, artifact.digest);
    const b = await checkouts.acquire(second.path, second.digest);
    a.release();
    assert.deepEqual(
      checkouts.cached().sort(),
      [artifact.digest, second.digest].sort(),
      'b is in use, a is within keep'
    );
    b.release();
    assert.deepEqual(checkouts.cached(), [second.digest], 'a, the older idle tree, is evicted');
    for (let i = 0; i < 50 && (await stat(a.dir).catch(() => undefined)); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(await stat(a.dir).catch(() => undefined), undefined, "the evicted tree's directory is deleted");
  });

  it('does not cache a failed extraction: a digest mismatch fails every try, naming the artifact', async () => {
    const checkouts = new ArtifactCheckouts(store, { parent: root });
    const wrong = `sha256:${'0'.repeat(64)}`;
    for (let i = 0; i < 2; i++)
      await assert.rejects(checkouts.acquire(artifact.path, wrong), /has digest .* expected sha256:0{64}/);
    assert.deepEqual(checkouts.cached(), []);
  });
});

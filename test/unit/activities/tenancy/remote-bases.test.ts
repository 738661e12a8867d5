import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertNoRemoteBases,
  isRemoteReference,
  referencedPaths,
  RemoteBaseError,
} from '../../../../activities/kustomize/remote-bases.js';

describe('isRemoteReference', () => {
  for (const remote of [
    'https://github.com/org/repo//base?ref=v1',
    'http://example.com/manifest.yaml',
    'ssh://git@example.com/org/repo.git',
    'git@github.com:org/repo.git',
    'git::https://example.com/org/repo',
    'gh:org/repo',
    'github.com/org/repo/base',
    'example.com/org/repo?ref=main',
  ])
    it(`treats ${remote} as remote`, () => assert.equal(isRemoteReference(remote), true));

  for (const local of ['deploy.yaml', '../base', './overlays/prod', 'configs.d/app.yaml'])
    it(`treats ${local} as local`, () => assert.equal(isRemoteReference(local), false));
});

describe('referencedPaths', () => {
  it('finds paths in every field kustomize loads files from, not inline patches', () => {
    const found = referencedPaths({
      resources: ['a.yaml'],
      components: ['../c'],
      patches: [{ path: 'p.yaml' }, { patch: 'inline: true\nmore: yes\n' }],
      patchesStrategicMerge: ['psm.yaml', 'kind: X\nmetadata: {}\n'],
      configMapGenerator: [{ files: ['key=https://example.com/f'], envs: ['vars.env'] }],
      openapi: { path: 'schema.json' },
    });
    assert.deepEqual(found, [
      { field: 'resources', entry: 'a.yaml' },
      { field: 'components', entry: '../c' },
      { field: 'patchesStrategicMerge', entry: 'psm.yaml' },
      { field: 'patches.path', entry: 'p.yaml' },
      { field: 'openapi.path', entry: 'schema.json' },
      { field: 'configMapGenerator.files', entry: 'https://example.com/f' },
      { field: 'configMapGenerator.envs', entry: 'vars.env' },
    ]);
  });
});

describe('assertNoRemoteBases', () => {
  let root: string;
  const write = async (file: string, text: string): Promise<void> => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  };
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'remote-bases-'));
    await write('base/kustomization.yaml', 'resources:\n  - cm.yaml\n');
    await write('base/cm.yaml', 'kind: ConfigMap\n');
    await write('clean/kustomization.yaml', 'resources:\n  - ../base\n');
    await write('nested/kustomization.yaml', 'resources:\n  - ../sneaky\n');
    await write('sneaky/kustomization.yaml', 'resources:\n  - ../base\n  - https://example.com/x.yaml\n');
    await write('escape/kustomization.yaml', 'resources:\n  - ../../../etc\n');
    await write('cycle-a/kustomization.yaml', 'resources:\n  - ../cycle-b\n');
    await write('cycle-b/kustomization.yaml', 'resources:\n  - ../cycle-a\n');
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('accepts local bases', async () => {
    await assertNoRemoteBases(root, path.join(root, 'clean'));
    await assertNoRemoteBases(root, path.join(root, 'cycle-a'));
  });

  it('finds a remote entry in a nested base and names its file', async () => {
    await assert.rejects(
      assertNoRemoteBases(root, path.join(root, 'nested')),
      (err: Error) =>
        err instanceof RemoteBaseError &&
        err.message.startsWith("sneaky/kustomization.yaml: resources entry 'https://example.com/x.yaml' is remote")
    );
  });

  it('refuses entries that leave the artifact', async () => {
    await assert.rejects(assertNoRemoteBases(root, path.join(root, 'escape')), /outside the source artifact/);
  });
});

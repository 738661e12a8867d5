import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import {
  installedVersion,
  workflowBundleKey,
  workflowSources,
} from '../../../../workers/workflow-bundle/source-key.js';

/** A tiny repository: workflows importing a value module, a type-only module and two packages. */
let root: string;
async function put(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), text);
}
async function fakePackage(name: string, version: string): Promise<void> {
  await put(`node_modules/${name}/package.json`, JSON.stringify({ name, version, main: 'index.js' }));
  await put(`node_modules/${name}/index.js`, 'module.exports = {};\n');
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ballast-bundle-key-'));
  await put('package.json', '{"name":"fixture","type":"module"}');
  await fakePackage('@temporalio/workflow', '1.24.0');
  await fakePackage('@temporalio/worker', '1.24.0');
  await put(
    'workflows/index.ts',
    [
      "import { sleep } from '@temporalio/workflow';",
      "import type { Activities } from '../activities/index.js';",
      "import {\n  Reason,\n} from '../api/reasons.js';",
      "export type { Other } from '../api/other.js';",
      "export * from './loop.js';",
      'export const x = [sleep, Reason];',
      '',
    ].join('\n')
  );
  await put('workflows/loop.ts', "import '../api/side-effect.js';\nexport const loop = 1;\n");
  await put('api/reasons.ts', "export const Reason = 'Ready';\n");
  await put('api/side-effect.ts', 'globalThis.y = 1;\n');
  await put('api/other.ts', 'export type Other = string;\n');
  await put('activities/index.ts', "import 'node:fs';\nexport type Activities = object;\n");
});

describe('workflowSources', () => {
  it('follows value imports, re-exports and side-effect imports, but not type-only ones', () => {
    const sources = workflowSources(root, 'workflows/index.ts');
    assert.deepEqual(sources.files, [
      'api/reasons.ts',
      'api/side-effect.ts',
      'workflows/index.ts',
      'workflows/loop.ts',
    ]);
    assert.deepEqual(sources.packages, ['@temporalio/workflow']);
  });
});

describe('workflowBundleKey', () => {
  const key = (): string => workflowBundleKey(root, 'workflows/index.ts');

  it('is stable while nothing changes', () => {
    assert.match(key(), /^[0-9a-f]{64}$/);
    assert.equal(key(), key());
  });

  it('changes when a workflow file or a module it imports changes', async () => {
    const before = key();
    await put('workflows/loop.ts', "import '../api/side-effect.js';\nexport const loop = 2;\n");
    const afterWorkflow = key();
    assert.notEqual(afterWorkflow, before);
    await put('api/reasons.ts', "export const Reason = 'NotReady';\n");
    assert.notEqual(key(), afterWorkflow);
  });

  it('changes when a new import brings in another file', async () => {
    const before = key();
    await put('api/extra.ts', 'export const e = 1;\n');
    assert.equal(key(), before, 'a file nothing imports is not part of the bundle');
    await put(
      'workflows/loop.ts',
      "import '../api/side-effect.js';\nimport '../api/extra.js';\nexport const loop = 1;\n"
    );
    assert.notEqual(key(), before);
  });

  it('ignores files reached only through type-only imports (erased before bundling)', async () => {
    const before = key();
    await put('activities/index.ts', "import 'node:path';\nexport type Activities = { a: 1 };\n");
    await put('api/other.ts', 'export type Other = number;\n');
    assert.equal(key(), before);
  });

  it('changes when the workflow SDK or the bundler is upgraded', async () => {
    const before = key();
    await fakePackage('@temporalio/workflow', '1.25.0');
    const afterWorkflowSdk = key();
    assert.notEqual(afterWorkflowSdk, before);
    await fakePackage('@temporalio/worker', '1.25.0');
    assert.notEqual(key(), afterWorkflowSdk);
  });
});

describe('installedVersion', () => {
  it('reads the version of the package the root resolves, and says when it is missing', () => {
    assert.equal(installedVersion(root, '@temporalio/workflow'), '1.24.0');
    assert.equal(installedVersion(root, 'not-installed-anywhere'), 'missing');
  });
});

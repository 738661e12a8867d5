import assert from 'node:assert/strict';
import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import {
  bundlePath,
  readBundle,
  REPO_ROOT,
  WORKFLOWS_ENTRY,
  writeBundle,
} from '../../../../workers/workflow-bundle/bundle-cache.js';
import { loadWorkflowBundle } from '../../../../workers/workflow-bundle/load.js';
import { workflowBundleKey } from '../../../../workers/workflow-bundle/source-key.js';

const tempDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'ballast-bundles-'));
const silent = pino({ level: 'silent' });

describe('bundle cache', () => {
  it('finds a bundle only under its own key', async () => {
    const dir = await tempDir();
    await writeBundle(dir, 'a'.repeat(64), 'code for a');
    assert.equal(await readBundle(dir, 'a'.repeat(64)), 'code for a');
    assert.equal(await readBundle(dir, 'b'.repeat(64)), undefined);
  });

  it('leaves no temporary files and keeps only the newest three other bundles', async () => {
    const dir = await tempDir();
    for (const [i, k] of ['1', '2', '3', '4'].entries()) {
      await writeFile(bundlePath(dir, k.repeat(64)), `old ${k}`);
      const t = new Date(Date.now() - (10 - i) * 60_000); // 4 is the newest
      await utimes(bundlePath(dir, k.repeat(64)), t, t);
    }
    await writeBundle(dir, 'f'.repeat(64), 'current');
    const names = (await readdir(dir)).sort();
    assert.deepEqual(
      names,
      ['2', '3', '4', 'f'].map((k) => path.basename(bundlePath(dir, k.repeat(64))))
    );
  });
});

describe('loadWorkflowBundle', () => {
  it('uses the prebuilt bundle of the current sources without bundling', async () => {
    const dir = await tempDir();
    const key = workflowBundleKey(REPO_ROOT, WORKFLOWS_ENTRY);
    await writeBundle(dir, key, '/* prebuilt */');
    const loaded = await loadWorkflowBundle({ dir }, silent);
    assert.deepEqual(loaded, { code: '/* prebuilt */', key, source: 'prebuilt' });
  });

  it('never uses a stale bundle: bundles the current sources and stores them under their key', async () => {
    const dir = await tempDir();
    await writeBundle(dir, '0'.repeat(64), '/* built from older sources */');
    const loaded = await loadWorkflowBundle({ dir }, silent);
    assert.equal(loaded.source, 'bundled');
    assert.equal(loaded.key, workflowBundleKey(REPO_ROOT, WORKFLOWS_ENTRY));
    assert.match(loaded.code, /kustomizationWorkflow/, 'the real workflows are in the bundle');
    assert.equal(await readBundle(dir, loaded.key), loaded.code);
    assert.equal((await loadWorkflowBundle({ dir }, silent)).source, 'prebuilt', 'the next start reuses it');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../workers/config.js';
import { DEFAULT_BUNDLE_DIR } from '../../../workers/workflow-bundle/bundle-cache.js';

describe('worker memory settings', () => {
  it('caps the sticky workflow cache at 1000 by default instead of the SDK heap-derived thousands', () => {
    assert.equal(loadConfig({}).maxCachedWorkflows, 1000);
  });

  it('reads BALLAST_MAX_CACHED_WORKFLOWS, 0 (no cache) included, and refuses negative or fractional values', () => {
    assert.equal(loadConfig({ BALLAST_MAX_CACHED_WORKFLOWS: '20' }).maxCachedWorkflows, 20);
    assert.equal(loadConfig({ BALLAST_MAX_CACHED_WORKFLOWS: '0' }).maxCachedWorkflows, 0);
    for (const bad of ['-1', '2.5', 'many'])
      assert.throws(() => loadConfig({ BALLAST_MAX_CACHED_WORKFLOWS: bad }), /BALLAST_MAX_CACHED_WORKFLOWS/);
  });

  it('looks for the prebuilt workflow bundle where npm run bundle writes it, unless told otherwise', () => {
    assert.equal(loadConfig({}).workflowBundleDir, DEFAULT_BUNDLE_DIR);
    assert.equal(loadConfig({ BALLAST_WORKFLOW_BUNDLE_DIR: '/srv/bundles' }).workflowBundleDir, '/srv/bundles');
  });
});

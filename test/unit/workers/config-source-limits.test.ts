import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../workers/config.js';

describe('configuration: source limits and the link-local policy', () => {
  it('defaults to 512 MiB per artifact, 64 MiB per file, 100000 files, link-local refused', () => {
    const c = loadConfig({});
    assert.deepEqual(
      [c.sourceMaxArtifactSize, c.sourceMaxFileSize, c.sourceMaxFiles, c.allowLinkLocalSources],
      [512 * 1024 * 1024, 64 * 1024 * 1024, 100_000, false]
    );
  });

  it('reads sizes with units from the environment and names a bad one', () => {
    const c = loadConfig({
      BALLAST_SOURCE_MAX_ARTIFACT_SIZE: '1Gi',
      BALLAST_SOURCE_MAX_FILE_SIZE: '16Ki',
      BALLAST_SOURCE_MAX_FILES: '500',
      BALLAST_ALLOW_LINK_LOCAL_SOURCES: 'true',
    });
    assert.deepEqual(
      [c.sourceMaxArtifactSize, c.sourceMaxFileSize, c.sourceMaxFiles, c.allowLinkLocalSources],
      [1024 ** 3, 16 * 1024, 500, true]
    );
    assert.throws(
      () => loadConfig({ BALLAST_SOURCE_MAX_FILE_SIZE: 'huge' }),
      /BALLAST_SOURCE_MAX_FILE_SIZE: a size in bytes/
    );
  });
});

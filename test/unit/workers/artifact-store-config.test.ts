import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalArtifactStore } from '../../../activities/source/artifact-store.js';
import { S3ArtifactStore } from '../../../activities/source/s3-artifact-store.js';
import { createArtifactStore } from '../../../workers/artifact-store.js';
import { loadConfig } from '../../../workers/config.js';

/** The problem lines of the one error loadConfig throws. */
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    const [head, ...lines] = (err as Error).message.split('\n');
    assert.equal(head, 'invalid configuration:');
    return lines.map((l) => l.trim());
  }
  assert.fail('loadConfig accepted an invalid configuration');
}

describe('artifact store configuration', () => {
  it('defaults to the local store in BALLAST_ARTIFACT_DIR', () => {
    const config = loadConfig({ BALLAST_ARTIFACT_DIR: '/var/lib/ballast/artifacts' });
    assert.equal(config.artifactStore, 'local');
    const store = createArtifactStore(config);
    assert.ok(store instanceof LocalArtifactStore);
    assert.equal(store.rootDir, '/var/lib/ballast/artifacts');
  });

  it('builds an S3 store from the BALLAST_S3_* variables, path-style when an endpoint is set', () => {
    const config = loadConfig({
      BALLAST_ARTIFACT_STORE: 's3',
      BALLAST_S3_BUCKET: 'ballast-artifacts',
      BALLAST_S3_ENDPOINT: 'http://minio.storage.svc:9000',
      BALLAST_S3_REGION: 'eu-west-1',
      BALLAST_S3_PREFIX: '/prod/ballast/',
    });
    assert.equal(config.s3ForcePathStyle, undefined);
    const store = createArtifactStore(config);
    assert.ok(store instanceof S3ArtifactStore);
    assert.equal(store.bucket, 'ballast-artifacts');
    assert.equal(store.prefix, 'prod/ballast');
    assert.equal(store.pathStyle, true);
    store.destroy();
    const aws = createArtifactStore(loadConfig({ BALLAST_ARTIFACT_STORE: 's3', BALLAST_S3_BUCKET: 'b-1' }));
    assert.ok(aws instanceof S3ArtifactStore);
    assert.equal(aws.pathStyle, false, 'virtual-hosted buckets on AWS itself');
    aws.destroy();
  });

  it('reads BALLAST_S3_FORCE_PATH_STYLE as a flag', () => {
    const config = loadConfig({
      BALLAST_ARTIFACT_STORE: 's3',
      BALLAST_S3_BUCKET: 'b-1',
      BALLAST_S3_ENDPOINT: 'https://s3.example.com',
      BALLAST_S3_FORCE_PATH_STYLE: 'false',
    });
    const store = createArtifactStore(config) as S3ArtifactStore;
    assert.equal(store.pathStyle, false);
    store.destroy();
  });

  it('reports every artifact store problem in the one configuration error', () => {
    assert.deepEqual(problems({ BALLAST_ARTIFACT_STORE: 's3' }), [
      'BALLAST_S3_BUCKET: required with BALLAST_ARTIFACT_STORE=s3',
    ]);
    const lines = problems({
      BALLAST_ARTIFACT_STORE: 's3',
      BALLAST_S3_ENDPOINT: 'minio:9000',
      BALLAST_S3_PREFIX: 'a/../b',
      BALLAST_S3_FORCE_PATH_STYLE: 'maybe',
      BALLAST_LOG_LEVEL: 'loud',
    });
    assert.equal(lines.length, 5, lines.join('\n'));
    for (const v of [
      'BALLAST_S3_ENDPOINT',
      'BALLAST_S3_FORCE_PATH_STYLE',
      'BALLAST_LOG_LEVEL',
      'BALLAST_S3_BUCKET: required',
      'BALLAST_S3_PREFIX',
    ])
      assert.ok(
        lines.some((l) => l.startsWith(v)),
        `${v} in:\n${lines.join('\n')}`
      );
  });

  it('refuses an unknown store and S3 settings without the S3 store', () => {
    assert.deepEqual(problems({ BALLAST_ARTIFACT_STORE: 'gcs' }).length, 1);
    assert.match(problems({ BALLAST_ARTIFACT_STORE: 'gcs' })[0]!, /^BALLAST_ARTIFACT_STORE: /);
    assert.deepEqual(problems({ BALLAST_S3_BUCKET: 'forgotten-store' }), [
      'BALLAST_S3_BUCKET: set while BALLAST_ARTIFACT_STORE is local (set it to s3 to use the bucket)',
    ]);
    assert.match(
      problems({ BALLAST_ARTIFACT_STORE: 's3', BALLAST_S3_BUCKET: 'Not_A_Bucket' })[0]!,
      /^BALLAST_S3_BUCKET: an S3 bucket name/
    );
  });

  it('never takes credentials into the configuration', () => {
    const config = loadConfig({
      BALLAST_ARTIFACT_STORE: 's3',
      BALLAST_S3_BUCKET: 'b-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'very-secret',
    });
    assert.doesNotMatch(JSON.stringify(config), /AKIDEXAMPLE|very-secret/);
  });
});

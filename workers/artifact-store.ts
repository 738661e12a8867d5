/**
 * Which {@link ArtifactStore} a worker uses: the local directory (workers of one host, or a shared
 * volume) or an S3 bucket (workers that share no disk). Chosen by BALLAST_ARTIFACT_STORE; the
 * settings are checked in artifact-store-config.ts.
 *
 * @module
 */
import { LocalArtifactStore, type ArtifactStore } from '../activities/source/artifact-store.js';
import { S3ArtifactStore } from '../activities/source/s3-artifact-store.js';
import type { Config } from './config.js';

/** The configured store. S3 credentials are the SDK's (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, roles): never in Config. */
export function createArtifactStore(config: Config): ArtifactStore {
  if (config.artifactStore === 'local') return new LocalArtifactStore(config.artifactDir);
  return new S3ArtifactStore({
    bucket: config.s3Bucket ?? '',
    prefix: config.s3Prefix,
    endpoint: config.s3Endpoint,
    region: config.s3Region,
    // Self-hosted servers rarely have wildcard DNS for virtual-hosted buckets; AWS itself prefers them.
    forcePathStyle: config.s3ForcePathStyle ?? config.s3Endpoint !== undefined,
    // Downloads wait in the worker's own directory while their digest is checked.
    downloadDir: config.artifactDir,
  });
}

/**
 * An {@link ArtifactStore} in an S3 bucket (AWS S3, MinIO, SeaweedFS, Ceph RGW, …), for workers
 * that share no disk: the worker that packs a GitRepository uploads, any other worker downloads.
 *
 * Keys are `<prefix>/<kind>/<namespace>/<name>/<sha256 hex>.tar.gz`, the local store's layout under
 * an optional prefix, so the digest is in every key and a re-put of the same content is harmless.
 * Digests are checked at both ends: the upload carries `x-amz-checksum-sha256`, so the server
 * refuses bytes that differ from what was hashed; every extraction hashes what it downloaded
 * before unpacking any of it.
 *
 * @module
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ARTIFACT_FILE,
  ArtifactDigestMismatchError,
  ArtifactNotFoundError,
  artifactPathParts,
  artifactPrefix,
  extractArchive,
  type ArtifactKey,
  type ArtifactStore,
  type StoredArtifact,
} from './artifact-store.js';
import { DIGEST_ALGORITHM, sha256File, sha256Hex } from './digest.js';

/** Options of {@link S3ArtifactStore}. Credentials come from the SDK's chain (AWS_ACCESS_KEY_ID, …) unless given. */
export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Key prefix every artifact is stored under, e.g. `ballast/prod`; none by default. */
  prefix?: string;
  /** Endpoint of an S3-compatible server, e.g. `http://minio.storage.svc:9000`; unset: AWS S3. */
  endpoint?: string;
  /** Default: AWS_REGION, else `us-east-1` (what S3-compatible servers expect when they ignore regions). */
  region?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`; most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /** Explicit credentials (tests); production leaves them to the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Base of the URLs reported in `status.artifact.url`; default: the object's `s3://bucket/key`. */
  baseUrl?: string;
  /** Where downloads wait while their digest is checked, before extraction; default: the OS temp directory. */
  downloadDir?: string;
}

/** The largest object one PutObject may carry; artifacts are capped far below it (BALLAST_SOURCE_MAX_ARTIFACT_SIZE). */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
/** User metadata with the put time in milliseconds: S3's LastModified has only whole seconds, too coarse for gc order. */
const STORED_AT = 'ballast-stored-at';

/** A key prefix without leading or trailing slashes, refusing `.`/`..`/empty segments. */
export function normalizeS3Prefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  return artifactPathParts(trimmed).join('/');
}

/** The object key of a store-relative artifact path under `prefix` (already normalized). */
export function s3ObjectKey(prefix: string, rel: string): string {
  const key = artifactPathParts(rel).join('/');
  return prefix === '' ? key : `${prefix}/${key}`;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly pathStyle: boolean;
  private readonly client: S3Client;

  constructor(private readonly options: S3ArtifactStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = normalizeS3Prefix(options.prefix);
    this.pathStyle = options.forcePathStyle ?? false;
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: this.pathStyle,
      credentials: options.credentials,
      // Checksums only where we ask for them: many S3-compatible servers reject the SDK's default CRC32 trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** The object key of a store-relative path. */
  objectKey(rel: string): string {
    return s3ObjectKey(this.prefix, rel);
  }

  /** `status.artifact.url` of a store-relative path. */
  url(rel: string): string {
    const base = this.options.baseUrl?.replace(/\/+$/, '');
    return base ? `${base}/${rel}` : `s3://${this.bucket}/${this.objectKey(rel)}`;
  }

  async put(key: ArtifactKey, file: string): Promise<StoredArtifact> {
    const prefix = artifactPrefix(key);
    const { hex, size } = await sha256File(file);
    if (size > MAX_SINGLE_PUT_BYTES) throw new RangeError(`artifact of ${size} bytes is larger than one S3 PUT allows`);
    const rel = `${prefix}/${hex}.tar.gz`;
    try {
      // One streamed PUT: the object appears whole or not at all, and the server checks the sha256.
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(rel),
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: 'application/gzip',
          ChecksumSHA256: Buffer.from(hex, 'hex').toString('base64'),
          Metadata: { [STORED_AT]: String(Date.now()) },
        })
      );
    } catch (err) {
      if (errorName(err) === 'BadDigest' || errorName(err) === 'XAmzContentChecksumMismatch')
        throw new ArtifactDigestMismatchError(
          `upload of ${rel} did not match its digest: ${file} changed while stored`
        );
      throw err;
    }
    return { path: rel, url: this.url(rel), digest: `${DIGEST_ALGORITHM}:${hex}`, size };
  }

  async has(rel: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(rel) }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async open(rel: string): Promise<Readable> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(rel) }));
      if (!(res.Body instanceof Readable)) throw new Error(`S3 GetObject of ${rel} returned no stream`);
      return res.Body;
    } catch (err) {
      if (isNotFound(err)) throw new ArtifactNotFoundError(`artifact ${rel} not found in s3://${this.bucket}`);
      throw err;
    }
  }

  async extractTo(rel: string, digest: string, dir: string): Promise<void> {
    const expected = sha256Hex(digest);
    const body = await this.open(rel);
    const scratch = await mkdtemp(path.join(this.options.downloadDir ?? tmpdir(), '.download-'));
    try {
      const file = path.join(scratch, 'artifact.tar.gz');
      const hash = createHash(DIGEST_ALGORITHM);
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(file, { flags: 'wx', mode: 0o600 })
      );
      const actual = hash.digest('hex');
      if (actual !== expected) {
        throw new ArtifactDigestMismatchError(
          `artifact ${rel} has digest ${DIGEST_ALGORITHM}:${actual}, expected ${digest}: the object in s3://${this.bucket} is corrupt or was modified`
        );
      }
      await extractArchive(file, dir);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async remove(rel: string): Promise<void> {
    // S3 answers a delete of a missing key with success, as the contract wants.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(rel) }));
  }

  async gc(prefix: ArtifactKey | string, keep: number): Promise<string[]> {
    if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`gc keep must be a whole number >= 0, got ${keep}`);
    const rel =
      typeof prefix === 'string' ? artifactPathParts(prefix.replace(/\/$/, '')).join('/') : artifactPrefix(prefix);
    const names = await this.listArtifacts(rel);
    if (names.length <= keep) return [];
    const dated = await Promise.all(names.map(async (name) => ({ name, at: await this.storedAt(`${rel}/${name}`) })));
    // Newest first; equal times break by name so every worker agrees on what to keep.
    dated.sort((a, b) => b.at - a.at || (a.name < b.name ? -1 : 1));
    const removed: string[] = [];
    for (const { name } of dated.slice(keep)) {
      await this.remove(`${rel}/${name}`);
      removed.push(`${rel}/${name}`);
    }
    return removed;
  }

  /** Names of the artifacts directly under `rel` (one object's prefix), across every listing page. */
  private async listArtifacts(rel: string): Promise<string[]> {
    const listPrefix = `${this.objectKey(rel)}/`;
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: listPrefix, Delimiter: '/', ContinuationToken: token })
      );
      for (const obj of page.Contents ?? []) {
        const name = obj.Key?.slice(listPrefix.length) ?? '';
        if (ARTIFACT_FILE.test(name)) names.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  /** When the object was last put, in ms: our metadata, else S3's LastModified; 0 when it vanished meanwhile. */
  private async storedAt(rel: string): Promise<number> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(rel) }));
      const at = Number(head.Metadata?.[STORED_AT]);
      return Number.isFinite(at) && at > 0 ? at : (head.LastModified?.getTime() ?? 0);
    } catch (err) {
      if (isNotFound(err)) return 0;
      throw err;
    }
  }

  /** Closes the client's connections (tests; a worker keeps its store for its lifetime). */
  destroy(): void {
    this.client.destroy();
  }
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/** A missing key. (A HEAD cannot tell a missing bucket from a missing key: both are a bodiless 404, NotFound.) */
function isNotFound(err: unknown): boolean {
  return errorName(err) === 'NoSuchKey' || errorName(err) === 'NotFound';
}

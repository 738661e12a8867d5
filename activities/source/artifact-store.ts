/**
 * Where source artifacts live. {@link ArtifactStore} is the contract every store implements (the
 * local disk one here; the shared S3 one in s3-artifact-store.ts), so GitRepository packs once and any worker's
 * Kustomization extracts by reference: history only ever carries `path` and `digest`.
 *
 * Layout, as Flux's storage: `<kind>/<namespace>/<name>/<sha256 hex>.tar.gz`, e.g.
 * `gitrepository/flux-system/podinfo/3b1f….tar.gz`. Content addressing makes `put` idempotent
 * (the same archive lands on the same path) and lets readers verify what they got.
 *
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { DIGEST_ALGORITHM, sha256Hex, sha256Stream } from './digest.js';
import { extractArchive } from './safe-extract.js';

export { UnsafeArchiveError, extractArchive } from './safe-extract.js';

/** Which object an artifact belongs to. */
export interface ArtifactKey {
  /** Lower-case kind, e.g. `gitrepository`. */
  kind: string;
  namespace: string;
  name: string;
}

/** An artifact in a store: what goes into `status.artifact` (revision and time are added by the caller). */
export interface StoredArtifact {
  /** Store-relative path, `<kind>/<ns>/<name>/<hex>.tar.gz`. */
  path: string;
  /** Where the artifact can be downloaded from (`status.artifact.url`). */
  url: string;
  /** `sha256:<hex>`. */
  digest: string;
  /** Size in bytes. */
  size: number;
}

/**
 * The storage contract. Paths are the store-relative `StoredArtifact.path` strings (forward
 * slashes, no `.`/`..`); implementations must reject anything else. Every method is safe to retry.
 */
export interface ArtifactStore {
  /**
   * Stores a copy of the local `file` under `key`, addressed by its sha256, atomically: readers see
   * the whole file or none. Storing identical content again is harmless and marks it newest for
   * {@link ArtifactStore.gc}. The caller still owns (and removes) `file`.
   */
  put(key: ArtifactKey, file: string): Promise<StoredArtifact>;
  /** Whether an artifact exists at `path`. */
  has(path: string): Promise<boolean>;
  /**
   * A stream of the artifact's bytes, unverified (for serving or copying).
   *
   * @throws ArtifactNotFoundError when there is none.
   */
  open(path: string): Promise<Readable>;
  /**
   * Checks the artifact at `path` has `digest`, then unpacks it into `dir` (created if missing),
   * refusing entries that could write outside `dir`. Nothing is written when either check fails.
   *
   * @throws ArtifactNotFoundError, ArtifactDigestMismatchError, UnsafeArchiveError.
   */
  extractTo(path: string, digest: string, dir: string): Promise<void>;
  /** Deletes the artifact at `path`; a missing one is not an error. */
  remove(path: string): Promise<void>;
  /**
   * Keeps the `keep` most recently stored artifacts of one object (its key, or its prefix as
   * {@link artifactPrefix} gives it) and deletes the rest; `keep: 0` deletes them all (object
   * deletion). Returns the deleted paths.
   */
  gc(prefix: ArtifactKey | string, keep: number): Promise<string[]>;
}

/** No artifact at the path: it was garbage-collected or never stored. */
export class ArtifactNotFoundError extends Error {
  override readonly name = 'ArtifactNotFoundError';
}

/** The stored bytes do not hash to the expected digest: corrupted or tampered with. */
export class ArtifactDigestMismatchError extends Error {
  override readonly name = 'ArtifactDigestMismatchError';
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** The name of one stored artifact, `<sha256 hex>.tar.gz`. */
export const ARTIFACT_FILE = /^[0-9a-f]{64}\.tar\.gz$/;
/** Temp files older than this are leftovers of a crashed `put` and are removed by gc. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * The directory of one object's artifacts, `<kind>/<namespace>/<name>`; what {@link ArtifactStore.gc} takes.
 *
 * @throws RangeError when a part is not a valid Kubernetes name (so it cannot escape the store).
 */
export function artifactPrefix(key: ArtifactKey): string {
  if (!/^[a-z][a-z0-9]*$/.test(key.kind)) throw new RangeError(`invalid artifact kind "${key.kind}"`);
  if (key.namespace.length > 63 || !DNS_LABEL.test(key.namespace)) {
    throw new RangeError(`invalid namespace "${key.namespace}"`);
  }
  if (key.name.length > 253 || !DNS_SUBDOMAIN.test(key.name)) throw new RangeError(`invalid name "${key.name}"`);
  return `${key.kind}/${key.namespace}/${key.name}`;
}

/** Options of {@link LocalArtifactStore}. */
export interface LocalArtifactStoreOptions {
  /**
   * Base of the URLs artifacts are served from, e.g. `http://ballast-artifacts.flux-system.svc.cluster.local.`
   * (Flux's `--storage-adv-addr`). Default: `file://` URLs of the files themselves.
   */
  baseUrl?: string;
}

/** An {@link ArtifactStore} on a local (or mounted) filesystem under `rootDir`. */
export class LocalArtifactStore implements ArtifactStore {
  constructor(
    readonly rootDir: string,
    private readonly options: LocalArtifactStoreOptions = {}
  ) {}

  async put(key: ArtifactKey, file: string): Promise<StoredArtifact> {
    const prefix = artifactPrefix(key);
    const dir = this.resolve(prefix);
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.tmp-${randomUUID()}`);
    try {
      const { hex, size } = await copyHashing(file, tmp);
      // rename() replaces atomically, and a re-put of the same content refreshes its mtime (gc order).
      await rename(tmp, path.join(dir, `${hex}.tar.gz`));
      await syncDir(dir);
      const rel = `${prefix}/${hex}.tar.gz`;
      return { path: rel, url: this.url(rel), digest: `${DIGEST_ALGORITHM}:${hex}`, size };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async has(artifactPath: string): Promise<boolean> {
    const st = await stat(this.resolve(artifactPath)).catch(() => undefined);
    return st?.isFile() ?? false;
  }

  async open(artifactPath: string): Promise<Readable> {
    return (await this.openHandle(artifactPath)).createReadStream();
  }

  async extractTo(artifactPath: string, digest: string, dir: string): Promise<void> {
    const expected = sha256Hex(digest);
    const actual = await sha256Stream((await this.openHandle(artifactPath)).createReadStream());
    if (actual.hex !== expected) {
      throw new ArtifactDigestMismatchError(
        `artifact ${artifactPath} has digest ${actual.digest}, expected ${digest}: the stored file is corrupt or was modified`
      );
    }
    await extractArchive(this.resolve(artifactPath), dir);
  }

  async remove(artifactPath: string): Promise<void> {
    await rm(this.resolve(artifactPath), { force: true });
  }

  async gc(prefix: ArtifactKey | string, keep: number): Promise<string[]> {
    if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`gc keep must be a whole number >= 0, got ${keep}`);
    const rel = typeof prefix === 'string' ? prefix.replace(/\/$/, '') : artifactPrefix(prefix);
    const dir = this.resolve(rel);
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const now = Date.now();
    const artifacts: { name: string; mtimeMs: number }[] = [];
    for (const name of names) {
      const st = await stat(path.join(dir, name)).catch(() => undefined);
      if (!st?.isFile()) continue;
      if (ARTIFACT_FILE.test(name)) artifacts.push({ name, mtimeMs: st.mtimeMs });
      else if (name.startsWith('.tmp-') && now - st.mtimeMs > STALE_TEMP_MS)
        await rm(path.join(dir, name), { force: true });
    }
    // Newest first; equal times break by name so every worker agrees on what to keep.
    artifacts.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? -1 : 1));
    const removed: string[] = [];
    for (const { name } of artifacts.slice(keep)) {
      await rm(path.join(dir, name), { force: true });
      removed.push(`${rel}/${name}`);
    }
    return removed;
  }

  private url(rel: string): string {
    const base = this.options.baseUrl?.replace(/\/+$/, '');
    return base ? `${base}/${rel}` : pathToFileURL(path.join(this.rootDir, ...rel.split('/'))).href;
  }

  private async openHandle(artifactPath: string): Promise<FileHandle> {
    try {
      return await open(this.resolve(artifactPath), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ArtifactNotFoundError(`artifact ${artifactPath} not found in the store`);
      }
      throw err;
    }
  }

  /** Absolute path of a store-relative path, refusing anything that could leave the root. */
  private resolve(rel: string): string {
    return path.join(this.rootDir, ...artifactPathParts(rel));
  }
}

/**
 * The segments of a store-relative path, refusing anything that could leave the store's root.
 *
 * @throws RangeError for an empty path, an empty, `.` or `..` segment, a backslash or a NUL.
 */
export function artifactPathParts(rel: string): string[] {
  const parts = rel.split('/');
  const bad =
    rel === '' || rel.includes('\\') || rel.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..');
  if (bad) throw new RangeError(`invalid artifact path "${rel}": want <kind>/<namespace>/<name>[/<file>]`);
  return parts;
}

/** Copies `from` to a new file `to` (never overwriting), hashing on the way and flushing to disk before returning. */
async function copyHashing(from: string, to: string): Promise<{ hex: string; size: number }> {
  const hash = createHash(DIGEST_ALGORITHM);
  let size = 0;
  const source = await open(from, 'r');
  await pipeline(
    source.createReadStream(),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(to, { flags: 'wx', mode: 0o644, flush: true })
  );
  return { hex: hash.digest('hex'), size };
}

/** fsync of the directory, so a completed rename survives a crash. Best effort: not every filesystem supports it. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

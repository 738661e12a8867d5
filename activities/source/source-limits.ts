/**
 * Size limits on what a source may bring into a worker. A repository or chart server is written by
 * someone else; without limits one push of a multi-gigabyte file, or of a million tiny files, fills
 * the worker's disk and memory and the shared artifact store. Each limit names the variable that
 * raises it, so the Ready=False message says what to do.
 *
 * @module
 */

/** The limits a worker enforces; see {@link DEFAULT_SOURCE_LIMITS}. */
export interface SourceLimits {
  /** Bytes of one artifact: the files packed from a Git checkout, or the stored tarball. */
  maxArtifactBytes: number;
  /** Bytes of one file: a file in a checkout, a downloaded Helm index or chart. */
  maxFileBytes: number;
  /** Files (and links) in one artifact. */
  maxFiles: number;
}

const MiB = 1024 * 1024;

/**
 * Defaults generous enough for real repositories (Flux sets none for Git; its chart limit is
 * 10 MiB and index limit 50 MiB, both under the per-file limit here) yet far below what harms a
 * worker with a few GiB of disk.
 */
export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  maxArtifactBytes: 512 * MiB,
  maxFileBytes: 64 * MiB,
  maxFiles: 100_000,
};

/** The variable that sets each limit (read by workers/config.ts). */
export const SOURCE_LIMIT_ENV: Record<keyof SourceLimits, string> = {
  maxArtifactBytes: 'BALLAST_SOURCE_MAX_ARTIFACT_SIZE',
  maxFileBytes: 'BALLAST_SOURCE_MAX_FILE_SIZE',
  maxFiles: 'BALLAST_SOURCE_MAX_FILES',
};

/** A source exceeded one of the limits. */
export class SourceLimitError extends Error {
  override readonly name = 'SourceLimitError';
  constructor(what: string, limit: keyof SourceLimits, value: number) {
    const shown = limit === 'maxFiles' ? `${value} files` : formatBytes(value);
    super(`${what} exceeds the limit of ${shown}; raise ${SOURCE_LIMIT_ENV[limit]} on the workers if this is expected`);
  }
}

/** `512 MiB`, `1.5 KiB`, `12 bytes`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/**
 * A size in bytes from `512Mi`, `64MiB`, `1G`, `10k` or a plain number. Binary (Ki/Mi/Gi) and
 * decimal (k/M/G) suffixes are both accepted, as Kubernetes quantities are. Undefined when invalid.
 */
export function parseByteSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text > 0 ? text : undefined;
  const m = /^\s*(\d+)\s*([kKMGT]i?)?B?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = m[2] ?? '';
  const base = unit.endsWith('i') ? 1024 : 1000;
  const power = unit === '' ? 0 : 'KMGT'.indexOf((unit[0] ?? '').toUpperCase()) + 1;
  const bytes = Number(m[1]) * base ** power;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/**
 * Counts files and bytes as they are added and throws at the first limit passed, so a huge tree
 * is refused without reading all of it.
 */
export class LimitCounter {
  private files = 0;
  private bytes = 0;
  constructor(
    private readonly limits: SourceLimits,
    /** Names the whole, e.g. `the checkout of https://…`. */
    private readonly what: string
  ) {}

  /** One more file of `size` bytes at `rel`. */
  add(rel: string, size: number): void {
    if (size > this.limits.maxFileBytes)
      throw new SourceLimitError(`file '${rel}' (${formatBytes(size)})`, 'maxFileBytes', this.limits.maxFileBytes);
    this.files += 1;
    this.bytes += size;
    if (this.files > this.limits.maxFiles)
      throw new SourceLimitError(
        `${this.what} (more than ${this.limits.maxFiles} files)`,
        'maxFiles',
        this.limits.maxFiles
      );
    if (this.bytes > this.limits.maxArtifactBytes)
      throw new SourceLimitError(
        `${this.what} (more than ${formatBytes(this.limits.maxArtifactBytes)})`,
        'maxArtifactBytes',
        this.limits.maxArtifactBytes
      );
  }
}

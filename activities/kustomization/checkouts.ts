import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { processScratchDir } from '../process-scratch.js';

/** Where artifacts are extracted from; the source activities' store implements it. */
export interface ArtifactReader {
  /** Extracts the artifact at `path` into `dir` after checking it has `digest`. */
  extractTo(path: string, digest: string, dir: string): Promise<void>;
}

/** One extracted artifact lent to a build; `release` when the build is done with it. */
export interface Checkout {
  /** The extracted tree. Shared by every build of this digest: read it, never write to it. */
  dir: string;
  release(): void;
}

interface Tree {
  users: number;
  lastUsed: number;
  /** Resolves to the tree's directory once extracted. */
  extracted: Promise<string>;
}

/**
 * Extracted artifacts shared by the builds of one worker. Every Kustomization of a source builds
 * from the same artifact; extracting it per build cost time in proportion to the whole source for
 * each object, so N Kustomizations of one repository cost N² (175 ms of CPU per build at 100 apps
 * in the benchmark, 2.3 s at 1000). Each digest is extracted once (its digest checked once), lent
 * read-only to concurrent builds, and kept while recently used: the `keep` most recent unused trees
 * stay on disk, older ones are deleted.
 */
export class ArtifactCheckouts {
  private readonly trees = new Map<string, Tree>();
  private root: Promise<string> | undefined;

  constructor(
    private readonly store: ArtifactReader,
    private readonly opts: { keep?: number; parent?: string } = {}
  ) {}

  /** The tree of the artifact at `artifactPath`, extracting it unless a build already did. */
  async acquire(artifactPath: string, digest: string): Promise<Checkout> {
    let tree = this.trees.get(digest);
    if (!tree) {
      // Registered before any await, so concurrent builds of one digest share one extraction.
      tree = { users: 0, lastUsed: Date.now(), extracted: this.extract(artifactPath, digest) };
      this.trees.set(digest, tree);
    }
    const lent = tree;
    lent.users++;
    let dir: string;
    try {
      dir = await lent.extracted;
    } catch (err) {
      lent.users--;
      // A failed extraction is not cached: the next build tries again (the artifact may be back).
      if (this.trees.get(digest) === lent) this.trees.delete(digest);
      throw err;
    }
    let released = false;
    return {
      dir,
      release: () => {
        if (released) return;
        released = true;
        lent.users--;
        lent.lastUsed = Date.now();
        this.evict();
      },
    };
  }

  /** Digests extracted on disk now (for tests and metrics). */
  cached(): string[] {
    return [...this.trees.keys()];
  }

  private rootDir(): Promise<string> {
    this.root ??= processScratchDir('ballast-checkouts-', this.opts.parent);
    return this.root;
  }

  /** Extracts beside its final place and renames into it, so a half-extracted tree is never lent. */
  private async extract(artifactPath: string, digest: string): Promise<string> {
    // Unique per extraction: an evicted tree of the same digest may still be being deleted.
    const name = `${digest.replace(/[^a-z0-9]/gi, '_')}-${randomBytes(4).toString('hex')}`;
    const dir = path.join(await this.rootDir(), name);
    const partial = `${dir}.partial`;
    try {
      await this.store.extractTo(artifactPath, digest, partial);
      await rename(partial, dir);
      return dir;
    } catch (err) {
      await rm(partial, { recursive: true, force: true });
      throw err;
    }
  }

  /** Deletes the least recently used unused trees beyond `keep`. */
  private evict(): void {
    const idle = [...this.trees].filter(([, t]) => t.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [digest, tree] of idle.slice(0, Math.max(0, idle.length - (this.opts.keep ?? 8)))) {
      this.trees.delete(digest);
      void tree.extracted.then((dir) => rm(dir, { recursive: true, force: true })).catch(() => undefined);
    }
  }
}

/**
 * A memory cgroup for the benchmark's worker, so it runs under a memory limit the way a pod with
 * `resources.limits.memory` does. Node sizes its heap from that limit (in a 1 GiB cgroup its heap
 * limit is 560 MiB against 4288 MiB unconstrained on a 24 GiB host), so the worker's peak RSS
 * measured without a limit shows how much garbage V8 chose to keep, not what the worker needs.
 *
 * Needs a writable memory cgroup: root, with cgroup v1's memory controller or cgroup v2 with
 * memory delegated to the benchmark's own cgroup.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Where this process's memory cgroup lives and what its limit file is called. */
export interface MemoryCgroupLocation {
  dir: string;
  limitFile: 'memory.max' | 'memory.limit_in_bytes';
  peakFile: 'memory.peak' | 'memory.max_usage_in_bytes';
}

/** Reads `/proc/self/cgroup` text: cgroup v1's memory hierarchy when mounted, else the v2 unified one. */
export function memoryCgroupOf(procSelfCgroup: string, root = CGROUP_ROOT): MemoryCgroupLocation {
  const lines = procSelfCgroup.split('\n').filter(Boolean);
  const v1 = lines.map((l) => l.split(':')).find(([, controllers]) => controllers?.split(',').includes('memory'));
  if (v1)
    return {
      dir: path.join(root, 'memory', v1[2] ?? '/'),
      limitFile: 'memory.limit_in_bytes',
      peakFile: 'memory.max_usage_in_bytes',
    };
  const v2 = lines.map((l) => l.split(':')).find(([id, controllers]) => id === '0' && controllers === '');
  if (v2) return { dir: path.join(root, v2[2] ?? '/'), limitFile: 'memory.max', peakFile: 'memory.peak' };
  throw new Error('no memory cgroup in /proc/self/cgroup');
}

/** A child cgroup with a memory limit; processes join it by writing their pid to `procsFile`. */
export interface MemoryCgroup {
  limitMiB: number;
  procsFile: string;
  /** The cgroup's peak memory use (RSS and page cache charged to it), in MiB. */
  peakMiB(): Promise<number>;
  /** Removes the cgroup; its processes must have exited. */
  remove(): Promise<void>;
}

/** Creates `<own memory cgroup>/<name>` limited to `limitMiB`; a clear error when that is not possible here. */
export async function createMemoryCgroup(name: string, limitMiB: number): Promise<MemoryCgroup> {
  const where = memoryCgroupOf(readFileSync('/proc/self/cgroup', 'utf8'));
  const dir = path.join(where.dir, name);
  try {
    await mkdir(dir);
    await writeFile(path.join(dir, where.limitFile), String(limitMiB * 2 ** 20));
  } catch (err) {
    await rmdir(dir).catch(() => undefined);
    throw new Error(
      `--worker-memory-limit needs a writable memory cgroup (root, cgroup v1 memory or v2 with memory delegated): ${String(err)}`
    );
  }
  return {
    limitMiB,
    procsFile: path.join(dir, 'cgroup.procs'),
    peakMiB: async () => Number(await readFile(path.join(dir, where.peakFile), 'utf8')) / 2 ** 20,
    remove: () => rmdir(dir),
  };
}

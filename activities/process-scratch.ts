/**
 * Scratch directories that live as long as the worker process: the shared artifact checkouts,
 * helm's discovery cache, the exported kubeconfig. They are made once per process and removed
 * when it exits, so a developer's or CI machine's /tmp does not collect one set per worker run.
 * (A SIGKILLed process cannot clean up; in a container its /tmp goes away with it.)
 *
 * @module
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const live = new Set<string>();

/** A new private directory `<parent>/<prefix>XXXXXX`, removed when this process exits. */
export async function processScratchDir(prefix: string, parent = tmpdir()): Promise<string> {
  const dir = await mkdtemp(path.join(parent, prefix));
  if (live.size === 0) process.once('exit', removeAll);
  live.add(dir);
  return dir;
}

/** 'exit' handlers must be synchronous: the event loop has stopped. */
function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

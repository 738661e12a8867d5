import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Stage definitions kwok publishes in its module for fast nodes and pods (kustomize/stage/…). */
const STAGE_FILES = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat/node-heartbeat.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
];

/**
 * kwok only simulates what its Stages describe and has none built in; the released module ships
 * the "fast" node and pod stages, so they are read from the module cache rather than kept here.
 */
export async function writeKwokStages(version: string, dest: string): Promise<void> {
  const { stdout } = await run('go', ['mod', 'download', '-json', `sigs.k8s.io/kwok@${version}`]);
  const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const docs = await Promise.all(STAGE_FILES.map((f) => readFile(path.join(dir, f), 'utf8')));
  await writeFile(dest, docs.map((d) => d.trim()).join('\n---\n') + '\n');
}

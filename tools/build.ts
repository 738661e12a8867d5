/**
 * `npm run build`: compiles the TypeScript to JavaScript under `dist/` (same layout as the sources),
 * copies the `ballast` bin beside its compiled CLI, and prebuilds the workflow bundle from the
 * compiled workflows (dist/node_modules/.cache/ballast/workflow-bundle).
 *
 * Why a build when development runs the sources through tsx: a worker run through tsx holds about
 * 60 MiB more memory at idle (tsx's loader thread, the transformed sources and their source maps)
 * and peaks about 85 MiB higher while starting. The image and the benchmark run the compiled output.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
export const DIST = path.join(ROOT, 'dist');

/** Compiles into `dist/` from scratch and prebuilds the workflow bundle there; returns the seconds it took. */
export async function build(): Promise<number> {
  const started = Date.now();
  await rm(DIST, { recursive: true, force: true });
  await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
  });
  await copyFile(path.join(ROOT, 'client/cli/ballast.js'), path.join(DIST, 'client/cli/ballast.js'));
  // The compiled bundle tool keys the bundle by the compiled workflow sources it will be loaded with.
  await run(process.execPath, [path.join(DIST, 'tools/bundle.js')], { cwd: DIST });
  return (Date.now() - started) / 1000;
}

if (import.meta.filename === process.argv[1]) {
  const seconds = await build();
  console.log(`built dist/ in ${seconds.toFixed(1)} s`);
}

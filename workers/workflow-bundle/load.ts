/**
 * The workflow code a worker runs: the prebuilt bundle for the current sources when there is one
 * (`npm run bundle`, the image's build), else bundled in this process (webpack: seconds of CPU
 * and a few hundred MiB of peak memory) and stored for the next start.
 *
 * @module
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import path from 'node:path';
import type { Logger } from 'pino';
import { readBundle, REPO_ROOT, WORKFLOWS_ENTRY, writeBundle } from './bundle-cache.js';
import { workflowBundleKey } from './source-key.js';

/** What {@link loadWorkflowBundle} found, for the start-up log. */
export interface LoadedBundle {
  code: string;
  key: string;
  source: 'prebuilt' | 'bundled';
}

/** Where the sources and the bundles are; tests point both at fixtures. */
export interface BundleLocation {
  dir: string;
  root?: string;
  entry?: string;
}

/**
 * Reads the bundle for the current sources' key from `dir`, or bundles in process (logging why)
 * and tries to store it there; a read-only `dir` only costs the next start the same bundling.
 */
export async function loadWorkflowBundle(location: BundleLocation, log: Logger): Promise<LoadedBundle> {
  const { dir, root = REPO_ROOT, entry = WORKFLOWS_ENTRY } = location;
  const key = workflowBundleKey(root, entry);
  const prebuilt = await readBundle(dir, key);
  if (prebuilt !== undefined) return { code: prebuilt, key, source: 'prebuilt' };
  log.info({ dir, key }, 'no prebuilt workflow bundle for these sources; bundling in process (npm run bundle)');
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, entry), logger: quiet(log) });
  await writeBundle(dir, key, code).catch((err: unknown) =>
    log.warn({ dir, err: String(err) }, 'workflow bundle not stored')
  );
  return { code, key, source: 'bundled' };
}

/** Webpack's progress lines at debug level: the one info line above says what is happening. */
function quiet(log: Logger): Parameters<typeof bundleWorkflowCode>[0]['logger'] {
  const at =
    (level: 'debug' | 'warn' | 'error') =>
    (message: string, meta?: Record<string, unknown>): void =>
      log[level](meta ?? {}, message);
  return {
    log: (level, message, meta) => at(level === 'WARN' ? 'warn' : level === 'ERROR' ? 'error' : 'debug')(message, meta),
    trace: at('debug'),
    debug: at('debug'),
    info: at('debug'),
    warn: at('warn'),
    error: at('error'),
  };
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A kustomize failure: the CLI's own message, which names the file and field at fault. */
export class KustomizeError extends Error {}

/**
 * Runs `kustomize build <dir>` with arguments as an array (never a shell string) and returns the
 * multi-document YAML. Load restrictions are off as in Flux, because overlays commonly reference
 * files in parent directories; the artifact was extracted into a private directory beforehand.
 */
export async function kustomizeBuild(binary: string, dir: string, opts: { timeoutMs: number }): Promise<string> {
  try {
    const { stdout } = await run(binary, ['build', '--load-restrictor=LoadRestrictionsNone', dir], {
      timeout: opts.timeoutMs,
      maxBuffer: 256 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string; code?: string | number };
    if (e.code === 'ENOENT') throw new Error(`kustomize binary not found at ${binary}`);
    const msg = (e.stderr ?? e.message).trim().split(dir).join('.');
    throw new KustomizeError(`kustomize build failed: ${msg}`);
  }
}

/**
 * An OCI registry on loopback for tests and `npm run dev`: crane's `registry serve` (in memory),
 * with Helm charts pushed by the real `helm push`. Plain HTTP, so HelmRepositories pointing at it
 * set `insecure: true`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isolatedHelmEnv } from '../../activities/helm/helm-cli.js';
import { toolPath } from '../toolchain/build.js';
import { freePort } from './ports.js';

const execFileAsync = promisify(execFile);

export interface OciRegistry {
  /** `127.0.0.1:<port>`. */
  host: string;
  /** Packages the chart directory and pushes it to `oci://<host>/<repository>`; returns the chart's reference. */
  pushChart(chartDir: string, repository?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the registry and waits until `/v2/` answers. */
export async function startOciRegistry(): Promise<OciRegistry> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawn(toolPath('crane'), ['registry', 'serve', '--address', host], { stdio: 'ignore' });
  await waitUntilServing(child, `http://${host}/v2/`);
  const helm = async (args: string[]): Promise<string> => {
    const home = await mkdtemp(path.join(tmpdir(), 'ballast-helm-'));
    try {
      return (await execFileAsync(toolPath('helm'), args, { env: isolatedHelmEnv(home) })).stdout;
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  };
  return {
    host,
    async pushChart(chartDir, repository = 'charts') {
      const out = await mkdtemp(path.join(tmpdir(), 'ballast-oci-chart-'));
      try {
        const packaged = await helm(['package', '--destination', out, '--', path.resolve(chartDir)]);
        const file = /saved it to: (.+\.tgz)/.exec(packaged)?.[1]?.trim();
        if (!file) throw new Error(`helm package ${chartDir} printed no package path: ${packaged}`);
        await helm(['push', '--plain-http', file, `oci://${host}/${repository}`]);
        return `oci://${host}/${repository}/${path.basename(file).replace(/-[^-]+\.tgz$/, '')}`;
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    },
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    },
  };
}

async function waitUntilServing(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`crane registry serve exited with ${child.exitCode}`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`crane registry did not answer ${url} within 15 s`);
}

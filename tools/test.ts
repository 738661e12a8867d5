/**
 * `npm test`: lint, typecheck, then every test under test/ with node's test runner, against one
 * shared local environment (real Kubernetes control plane + Temporal) started here.
 *
 * `npm test -- <files…>` runs only those files (still with the environment).
 */
import { spawn } from 'node:child_process';
import { startLocalEnv } from './localenv/index.js';

/** Runs one step asynchronously, so this process keeps serving signals while tests run. */
async function step(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const started = performance.now();
  console.log(`\n▶ ${name}`);
  const child = spawn(cmd, args, { stdio: 'inherit', env });
  const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (status !== 0) {
    console.error(`✖ ${name} failed after ${secs} s`);
    process.exitCode = status ?? 1;
    throw new Error(`${name} failed`);
  }
  console.log(`✔ ${name} (${secs} s)`);
}

const files = process.argv.slice(2);
const bin = (name: string): string => `node_modules/.bin/${name}`;

try {
  if (files.length === 0) {
    await step('lint', bin('eslint'), ['--max-warnings=0', '.']);
    await step('typecheck', bin('tsc'), ['-p', 'tsconfig.json']);
  }
  const env = await startLocalEnv({ log: console.log });
  try {
    await step(
      'tests',
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        // One file at a time: the 2-core machine also runs the control plane, Temporal, workers and helm.
        '--test-concurrency=1',
        '--test-timeout=600000',
        ...(files.length > 0 ? files : ['test/**/*.test.ts']),
      ],
      {
        ...process.env,
        BALLAST_TEST_KUBECONFIG: env.kubeconfigPath,
        BALLAST_TEST_TEMPORAL_ADDRESS: env.temporal.address,
        BALLAST_TEST_TEMPORAL_UI: env.temporal.uiUrl,
        BALLAST_TEST_TEMPORAL_METRICS: env.temporal.metricsUrl,
      }
    );
  } finally {
    await env.stop({ keep: process.exitCode !== undefined && process.exitCode !== 0 });
  }
} catch (err) {
  if (!process.exitCode) {
    console.error(err);
    process.exitCode = 1;
  }
}

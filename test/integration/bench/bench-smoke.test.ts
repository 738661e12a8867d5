import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBench, type BenchResult } from '../../../bench/harness.js';
import { RESULTS_DIR, writeResults } from '../../../bench/report.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';

/** The benchmark keeps working: a run at N = 10 completes and reports every measure. Timings are never asserted. */
describe('benchmark: smoke run of 10 Kustomizations', () => {
  let env: TestEnv;
  let outDir: string;
  before(async () => {
    // The harness reads the shared environment from BALLAST_TEST_*; on its own it starts one itself.
    env = await useLocalEnv();
    process.env.BALLAST_TEST_KUBECONFIG ??= env.kubeconfigPath;
    process.env.BALLAST_TEST_TEMPORAL_ADDRESS ??= env.temporalAddress;
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(RESULTS_DIR, 'tmp'), { recursive: true }));
    outDir = await mkdtemp(path.join(RESULTS_DIR, 'tmp', 'smoke-'));
  });
  after(async () => {
    await rm(outDir, { recursive: true, force: true });
    await env?.release();
  });

  it('makes all 10 Ready and reports times, requests, process costs and history', async () => {
    const result: BenchResult = await runBench({ kind: 'kustomization', count: 10, sources: '1', log: () => {} });
    assert.equal(result.ballast.readyObjects, 10, 'every Kustomization Ready');
    assert.ok(result.ballast.readySeconds > 0 && result.floor.seconds > 0);
    const { firstReadySeconds, p50ReadySeconds, p95ReadySeconds, readySeconds } = result.ballast;
    assert.ok(
      firstReadySeconds <= p50ReadySeconds && p50ReadySeconds <= p95ReadySeconds && p95ReadySeconds <= readySeconds
    );
    assert.equal(result.floor.objects, 40, 'four objects per app');
    assert.ok(result.ballast.apiserverRequests > result.ballast.harnessRequests, 'Ballast made requests');
    for (const name of ['worker', 'controller']) {
      const p = result.ballast.processes[name];
      assert.ok(p && p.cpuSeconds > 0 && p.peakRssMiB > 0, `${name} costs measured: ${JSON.stringify(p)}`);
    }
    assert.ok(result.ballast.processes.temporal ?? result.ballast.notes.some((n) => n.startsWith('temporal:')));
    assert.equal(result.ballast.history.sampled, 5);
    assert.ok(result.ballast.history.activitiesPerReconcile > 0 && result.ballast.history.eventsPerReconcile > 0);
    assert.equal(result.ballast.sourceHistory.sampled, 1, 'one shared GitRepository');
    assert.ok(result.machine.cores >= 1 && result.versions.kubernetes.startsWith('v'));

    const files = await writeResults(result, outDir);
    assert.match(await readFile(files[1]!, 'utf8'), /\| 10 \| 1 \|/);
    assert.match(await readFile(files[2]!, 'utf8'), /^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  });
});

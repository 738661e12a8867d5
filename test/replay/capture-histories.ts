/**
 * Records Kustomization and HelmRelease workflow histories for the replay-compatibility test: a few reconcile
 * scenarios run against fake activities on a throwaway Temporal dev server, each history written
 * to test/replay/histories/<scenario>.<label>.json.
 *
 * Run it at a released commit to freeze what that version's workers leave behind (a worker upgrade
 * replays every sleeping reconcile's history since its last continue-as-new):
 *
 *   node --import tsx test/replay/capture-histories.ts <label> [outDir]
 *
 * It only uses the workflow by name and plain activity results, so it runs unchanged against
 * older checkouts of workflows/.
 */
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestWorkflowEnv } from '../support/temporal.js';

const require = createRequire(import.meta.url);
const ref = { namespace: 'apps', name: 'web' };
const artifact = { revision: 'main@sha1:aaa', digest: 'sha256:aaa', path: 'gitrepository/apps/repo/aaa.tar.gz' };

const plan = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  exists: true,
  generation: 1,
  deleting: false,
  suspended: false,
  intervalMs: 3_600_000,
  retryIntervalMs: 3_600_000,
  timeoutMs: 60_000,
  prune: true,
  rollbackEnabled: false,
  checksHealth: false,
  source: { ready: true, artifact },
  dependencies: { ready: true },
  ...over,
});
const waitingForSource = plan({ source: { ready: false, message: "Source 'GitRepository/apps/repo' not ready" } });
const waitingForDependency = plan({ dependencies: { ready: false, message: "dependency 'apps/db' is not ready" } });

/** One scenario: the plans successive passes load (the first pass runs at start), one update per later pass. */
interface Scenario {
  name: string;
  workflow: 'kustomizationWorkflow' | 'helmReleaseWorkflow' | 'gitRepositoryWorkflow';
  plans: Record<string, unknown>[];
}

const remediation = {
  retries: 0,
  remediateLastFailure: false,
  strategy: 'uninstall',
  ignoreTestFailures: false,
  onFailure: 'RemediateOnFailure',
};
const chartArtifact = { revision: '1.0.0', digest: 'sha256:chart', path: 'helmchart/apps/apps-web/chart.tar.gz' };
const releasePlan = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  exists: true,
  generation: 1,
  deleting: false,
  suspended: false,
  intervalMs: 3_600_000,
  timeoutMs: 300_000,
  forceRequested: false,
  resetRequested: false,
  releaseName: 'web',
  targetNamespace: 'apps',
  storageNamespace: 'apps',
  testEnabled: false,
  driftMode: 'disabled',
  install: remediation,
  upgrade: { ...remediation, strategy: 'rollback' },
  failures: { install: 0, upgrade: 0, total: 0 },
  helmChart: 'apps/apps-web',
  chart: { ready: true, artifact: chartArtifact, chartName: 'web' },
  dependencies: { ready: true },
  ...over,
});
const chartNotReady = releasePlan({ chart: { ready: false, message: "HelmChart 'apps/apps-web' is not ready" } });
const sourcePlan = { exists: true, generation: 1, deleting: false, suspended: false, intervalMs: 3_600_000 };

export const SCENARIOS: Scenario[] = [
  { name: 'kustomization-applies-then-unchanged', workflow: 'kustomizationWorkflow', plans: [plan(), plan()] },
  {
    name: 'kustomization-waits-for-source',
    workflow: 'kustomizationWorkflow',
    plans: [waitingForSource, waitingForSource, waitingForSource, plan()],
  },
  {
    name: 'kustomization-waits-for-dependency',
    workflow: 'kustomizationWorkflow',
    plans: [waitingForDependency, waitingForDependency, plan()],
  },
  {
    name: 'kustomization-health-checked',
    workflow: 'kustomizationWorkflow',
    plans: [plan({ checksHealth: true }), plan({ checksHealth: true })],
  },
  { name: 'helmrelease-installs-then-in-sync', workflow: 'helmReleaseWorkflow', plans: [releasePlan(), releasePlan()] },
  {
    name: 'gitrepository-fetches-then-unchanged',
    workflow: 'gitRepositoryWorkflow',
    plans: [sourcePlan, { ...sourcePlan, artifact }],
  },
  { name: 'helmrelease-waits-for-chart', workflow: 'helmReleaseWorkflow', plans: [chartNotReady, releasePlan()] },
];

function fakeActivities(plans: Record<string, unknown>[]): Record<string, (input: unknown) => Promise<unknown>> {
  const queue = [...plans];
  const next = async (): Promise<unknown> => queue.shift() ?? plans.at(-1);
  let installed = false;
  let fetched = false;
  const release = {
    revision: 1,
    status: 'deployed',
    chartName: 'web',
    chartVersion: '1.0.0',
    configDigest: 'sha256:cfg',
  };
  return {
    loadKustomization: next,
    buildKustomization: async () => ({ digest: 'sha256:build', objects: 2 }),
    validateKustomization: async () => ({ objects: 2 }),
    applyKustomization: async () => ({ created: 2, configured: 0, unchanged: 0, skipped: 0 }),
    pruneKustomization: async () => ({ deleted: 0, inventory: 2 }),
    checkKustomizationHealth: async () => ({ healthy: true, message: 'all healthy' }),
    finalizeKustomization: async () => ({ deleted: 0 }),
    loadHelmRelease: next,
    observeRelease: async () => ({ configDigest: 'sha256:cfg', ...(installed ? { release } : {}) }),
    helmInstall: async () => ((installed = true), { ok: true, message: 'Helm install succeeded' }),
    writeStatus: async () => undefined,
    loadSource: next,
    // A new revision on the first fetch, the same one after.
    fetchSource: async () => {
      const changed = !fetched;
      fetched = true;
      return { changed, artifact: { ...artifact, url: 'http://artifacts/repo.tar.gz', lastUpdateTime: 'now' } };
    },
  };
}

/** protobufjs's own plain form (enums and 64-bit numbers as strings), which History.fromObject reads back. */
function historyToPlain(history: proto.temporal.api.history.v1.IHistory): unknown {
  const { History } = proto.temporal.api.history.v1;
  return History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
}

async function capture(label: string, outDir: string): Promise<void> {
  const env = await createTestWorkflowEnv();
  await mkdir(outDir, { recursive: true });
  try {
    for (const scenario of SCENARIOS) {
      const taskQueue = `replay-${scenario.name}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowsPath: require.resolve('../../workflows/index.ts'),
        activities: fakeActivities(scenario.plans),
      });
      const history = await worker.runUntil(async () => {
        const handle = await env.client.workflow.start(scenario.workflow, {
          taskQueue,
          workflowId: `${scenario.name}-${label}`,
          args: [{ ref }],
        });
        // The start pass, then one update per remaining plan, each waiting for its pass's result.
        for (let i = 0; i < 200 && (await handle.query<{ reconciles: number }>('progress')).reconciles < 1; i++)
          await sleep(50);
        for (let i = 1; i < scenario.plans.length; i++) await handle.executeUpdate('reconcileNow', { args: [{}] });
        await handle.terminate('captured for the replay test');
        return handle.fetchHistory();
      });
      const file = path.join(outDir, `${scenario.name}.${label}.json`);
      await writeFile(file, JSON.stringify(historyToPlain(history)) + '\n');
      console.log(`wrote ${file} (${history.events?.length ?? 0} events)`);
    }
  } finally {
    await env.teardown();
  }
}

const [label, outDir = path.join(import.meta.dirname, 'histories')] = process.argv.slice(2);
if (!label) {
  console.error('usage: capture-histories.ts <label> [outDir]');
  process.exit(2);
}
await capture(label, outDir);

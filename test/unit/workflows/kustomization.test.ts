import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Activities } from '../../../activities/index.js';
import type { ArtifactRef, KustomizationPlan, StatusInput } from '../../../activities/kustomization/types.js';
import { progressQuery, reconcileNowUpdate, requestReconcileSignal } from '../../../api/messages.js';
import { Reason } from '../../../api/reasons.js';
import { kustomizationWorkflow } from '../../../workflows/index.js';
import { uniqueName } from '../../support/names.js';
import { createTestWorkflowEnv } from '../../support/temporal.js';

const require = createRequire(import.meta.url);
const ref = { namespace: 'apps', name: 'web' };
const art = (rev: string): ArtifactRef => ({
  revision: `main@sha1:${rev}`,
  digest: `sha256:${rev}`,
  path: `p/${rev}.tar.gz`,
});

function plan(over: Partial<KustomizationPlan> = {}): KustomizationPlan {
  return {
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
    source: { ready: true, artifact: art('aaa') },
    dependencies: { ready: true },
    ...over,
  };
}

/** The calls with apply's "validate first" flag dropped, for tests about what was applied when. */
const withoutValidate = (calls: string[]): string[] => calls.map((c) => c.replace('+validate', ''));

/** Records every activity call; each test overrides what it needs. */
function fakeActivities(over: Partial<Activities>, calls: string[], statuses: StatusInput[]): Partial<Activities> {
  const record =
    <T>(name: string, value: T) =>
    async (input: object): Promise<T> => {
      const { artifact, validate } = input as { artifact?: ArtifactRef; validate?: boolean };
      const step = validate ? `${name}+validate` : name;
      calls.push(artifact ? `${step}:${artifact.revision.slice(-3)}` : step);
      return value;
    };
  return {
    loadKustomization: record('load', plan()),
    buildKustomization: record('build', { digest: 'sha256:build', objects: 3 }),
    validateKustomization: record('validate', { objects: 3 }),
    applyKustomization: record('apply', { created: 3, configured: 0, unchanged: 0, skipped: 0 }),
    pruneKustomization: record('prune', { deleted: 0, inventory: 3 }),
    checkKustomizationHealth: record('health', { healthy: true, message: 'ok' }),
    finalizeKustomization: record('finalize', { deleted: 3 }),
    writeStatus: async (s: StatusInput) => void statuses.push(s),
    ...over,
  };
}

describe('kustomizationWorkflow', () => {
  let env: TestWorkflowEnvironment;
  before(async () => (env = await createTestWorkflowEnv()));
  after(async () => env?.teardown());

  async function withWorker<T>(activities: Partial<Activities>, fn: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = uniqueName('tq');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../../workflows/index.ts'),
      activities,
    });
    return worker.runUntil(fn(taskQueue));
  }

  const start = (taskQueue: string) =>
    env.client.workflow.start(kustomizationWorkflow, { taskQueue, workflowId: uniqueName('ks'), args: [{ ref }] });

  it('runs build → apply (validating first) → prune and reports Ready=True with the applied revision', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    await withWorker(fakeActivities({}, calls, statuses), async (tq) => {
      const handle = await start(tq);
      const result = await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      assert.equal(result.ready, true);
      assert.equal(result.revision, 'main@sha1:aaa');
      await handle.terminate();
    });
    assert.deepEqual(calls.slice(0, 4), ['load', 'build:aaa', 'apply+validate:aaa', 'prune:aaa']);
    const final = statuses.at(-1);
    assert.deepEqual(final?.ready, {
      status: 'True',
      reason: Reason.ReconciliationSucceeded,
      message: 'Applied revision: main@sha1:aaa',
    });
    assert.equal(final?.lastAppliedRevision, 'main@sha1:aaa');
    assert.equal(final?.observedGeneration, 1);
  });

  it('does not build while a dependency is not ready, and says which', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    const acts = fakeActivities(
      {
        loadKustomization: async () => (
          calls.push('load'),
          plan({ dependencies: { ready: false, message: "dependency 'apps/db' is not ready" } })
        ),
      },
      calls,
      statuses
    );
    await withWorker(acts, async (tq) => {
      const handle = await start(tq);
      const result = await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      assert.equal(result.reason, Reason.DependencyNotReady);
      await handle.terminate();
    });
    assert.ok(!calls.some((c) => c.startsWith('build')), calls.join(','));
    assert.match(JSON.stringify(statuses.at(-1)?.ready), /apps\/db/);
  });

  it('writes a not-ready source once while it stays the same, again when it changes, then applies', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    const waiting = (message: string): KustomizationPlan => plan({ source: { ready: false, message } });
    // The pass the workflow runs when it starts, then one per update below.
    const plans = [
      waiting("Source 'GitRepository/apps/web' is not ready: no artifact yet"),
      waiting("Source 'GitRepository/apps/web' is not ready: no artifact yet"),
      waiting("Source 'GitRepository/apps/web' is not ready: no artifact yet"),
      waiting("Source 'GitRepository/apps/web' not found"),
      plan(),
    ];
    const acts = fakeActivities(
      { loadKustomization: async () => (calls.push('load'), plans.shift() ?? plan()) },
      calls,
      statuses
    );
    const reasons: string[] = [];
    await withWorker(acts, async (tq) => {
      const handle = await start(tq);
      // Updates sent while the start pass is still queued would be answered by it: wait it out.
      for (let i = 0; i < 100 && (await handle.query(progressQuery)).reconciles < 1; i++)
        await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 4; i++) reasons.push((await handle.executeUpdate(reconcileNowUpdate, { args: [{}] })).reason);
      await handle.terminate();
    });
    assert.deepEqual(reasons, [
      Reason.ArtifactFailed,
      Reason.ArtifactFailed,
      Reason.ArtifactFailed,
      Reason.ReconciliationSucceeded,
    ]);
    assert.equal(calls.filter((c) => c === 'load').length, 5);
    assert.deepEqual(
      statuses.map((s) => (typeof s.ready === 'object' ? s.ready.message : s.ready)),
      [
        "Source 'GitRepository/apps/web' is not ready: no artifact yet",
        "Source 'GitRepository/apps/web' not found",
        'Reconciliation in progress',
        'Applied revision: main@sha1:aaa',
      ]
    );
  });

  it('survives a pass whose status cannot be written (apiserver down) and reconciles once it is back', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    let apiserverDown = true;
    const acts = fakeActivities(
      {
        writeStatus: async (st: StatusInput) => {
          if (apiserverDown) throw ApplicationFailure.nonRetryable('connect ECONNREFUSED 127.0.0.1:6443');
          statuses.push(st);
        },
      },
      calls,
      statuses
    );
    await withWorker(acts, async (tq) => {
      const handle = await start(tq);
      let progress = await handle.query(progressQuery);
      for (let i = 0; i < 100 && progress.reconciles < 1; i++) {
        await new Promise((r) => setTimeout(r, 50));
        progress = await handle.query(progressQuery);
      }
      assert.equal(progress.last?.ready, false);
      assert.match(progress.last?.message ?? '', /ECONNREFUSED/);
      assert.equal((await handle.describe()).status.name, 'RUNNING', 'the run did not fail');
      apiserverDown = false;
      const result = await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      assert.equal(result.ready, true);
      await handle.terminate();
    });
    assert.equal(statuses.at(-1)?.lastAppliedRevision, 'main@sha1:aaa');
  });

  it('records at most 30 history events for a pass that changes nothing (issue #9 target)', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    const applied = plan({ lastAppliedRevision: 'main@sha1:aaa' });
    const acts = fakeActivities({ loadKustomization: async () => (calls.push('load'), applied) }, calls, statuses);
    const events = await withWorker(acts, async (tq) => {
      const handle = await start(tq);
      for (let i = 0; i < 100 && (await handle.query(progressQuery)).reconciles < 1; i++)
        await new Promise((r) => setTimeout(r, 50));
      const before = (await handle.fetchHistory()).events?.length ?? 0;
      await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      const after = (await handle.fetchHistory()).events?.length ?? 0;
      await handle.terminate();
      return after - before;
    });
    // Load and status writes are local activities (one marker each); the unchanged revision skips
    // the "in progress" write. Was 47 before both.
    assert.ok(events <= 30, `${events} history events for a pass that changes nothing`);
    // First pass: "in progress" and final; the re-sync: final only.
    assert.equal(statuses.length, 3, 'no "in progress" write on the re-sync');
    assert.deepEqual(
      calls.filter((c) => c.startsWith('apply')),
      ['apply+validate:aaa', 'apply:aaa'],
      'the unchanged build is not validated again'
    );
  });

  it('writes the apiserver message of a failed validation and goes no further', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    const acts = fakeActivities(
      {
        // The activity dry-runs before it applies (activities/kustomization/apply.ts); a refusal
        // there applies nothing, which test/integration/kustomization-invalid-manifest proves.
        applyKustomization: async (input) => {
          calls.push(input.validate ? 'apply+validate' : 'apply');
          throw ApplicationFailure.nonRetryable(
            'dry-run failed: Deployment/x: spec.replicas: Invalid value',
            Reason.ReconciliationFailed
          );
        },
      },
      calls,
      statuses
    );
    await withWorker(acts, async (tq) => {
      const handle = await start(tq);
      const result = await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      assert.equal(result.ready, false);
      await handle.terminate();
    });
    assert.ok(calls.includes('apply+validate'), calls.join(','));
    assert.ok(
      !calls.some((c) => /^(prune|health)/.test(c)),
      `no prune or health check after a refusal: ${calls.join(',')}`
    );
    const ready = statuses.at(-1)?.ready;
    assert.ok(
      ready !== 'remove' && ready?.status === 'False' && ready.message.includes('spec.replicas: Invalid value')
    );
  });

  it('rolls back to the last healthy revision when health checks fail and rollback is on', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    let current = art('aaa');
    const acts = fakeActivities(
      {
        loadKustomization: async () => (
          calls.push('load'),
          plan({ checksHealth: true, rollbackEnabled: true, source: { ready: true, artifact: current } })
        ),
        checkKustomizationHealth: async (i) => (
          calls.push(`health:${i.artifact.revision.slice(-3)}`),
          {
            healthy: i.artifact.revision.endsWith('aaa'),
            message: i.artifact.revision.endsWith('aaa') ? 'ok' : 'Deployment/web 0/1 available',
          }
        ),
      },
      calls,
      statuses
    );
    await withWorker(acts, async (tq) => {
      const handle = await start(tq);
      assert.equal((await handle.executeUpdate(reconcileNowUpdate, { args: [{}] })).ready, true);
      current = art('bbb');
      const result = await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      assert.equal(result.reason, Reason.RolledBack);
      assert.match(result.message, /from main@sha1:bbb to main@sha1:aaa/);
      await handle.terminate();
    });
    const steps = withoutValidate(calls);
    assert.ok(
      steps.includes('apply:bbb') && steps.lastIndexOf('apply:aaa') > steps.indexOf('apply:bbb'),
      calls.join(',')
    );
  });

  it('cancels a health-check wait when a newer source revision arrives and applies it at once', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    let current = art('aaa');
    const acts = fakeActivities(
      {
        loadKustomization: async () => (
          calls.push('load'),
          plan({ checksHealth: true, timeoutMs: 3_600_000, source: { ready: true, artifact: current } })
        ),
        checkKustomizationHealth: async (i) => {
          calls.push(`health:${i.artifact.revision.slice(-3)}`);
          if (i.artifact.revision.endsWith('bbb')) return { healthy: true, message: 'ok' };
          // Never healthy: only cancellation can end this wait.
          for (;;) {
            Context.current().heartbeat();
            await Context.current().sleep(200);
          }
        },
      },
      calls,
      statuses
    );
    await withWorker(acts, async (tq) => {
      const handle = await start(tq);
      await handle.signal(requestReconcileSignal, { reason: 'created', generation: 1 });
      for (let i = 0; i < 100 && (await handle.query(progressQuery)).step !== 'health'; i++)
        await new Promise((r) => setTimeout(r, 100));
      current = art('bbb');
      await handle.signal(requestReconcileSignal, { reason: 'source', revision: current.revision });
      for (let i = 0; i < 200 && !calls.includes('health:bbb'); i++) await new Promise((r) => setTimeout(r, 100));
      await handle.terminate();
    });
    assert.ok(withoutValidate(calls).includes('apply:bbb'), calls.join(','));
    assert.ok(
      statuses.some((s) => s.ready !== 'remove' && s.ready.reason === Reason.HealthCheckCanceled),
      'HealthCheckCanceled reported'
    );
  });

  it('does not run a second pass for a source request that arrived while the pass applying that revision ran', async () => {
    const calls: string[] = [];
    const statuses: StatusInput[] = [];
    let releaseBuild: () => void = () => undefined;
    const buildHeld = new Promise<void>((resolve) => (releaseBuild = resolve));
    const acts = fakeActivities(
      {
        buildKustomization: async (i) => {
          calls.push(`build:${i.artifact.revision.slice(-3)}`);
          await buildHeld;
          return { digest: 'sha256:build', objects: 3 };
        },
      },
      calls,
      statuses
    );
    await withWorker(acts, async (tq) => {
      // A new workflow reconciles at once; its first pass holds in build.
      const handle = await start(tq);
      for (let i = 0; i < 100 && !calls.includes('build:aaa'); i++) await new Promise((r) => setTimeout(r, 50));
      // The source turns Ready at the revision this pass is already applying (the controller's trigger).
      await handle.signal(requestReconcileSignal, { reason: 'source', revision: art('aaa').revision });
      releaseBuild();
      for (let i = 0; i < 100 && (await handle.query(progressQuery)).reconciles < 1; i++)
        await new Promise((r) => setTimeout(r, 50));
      // The next requested pass is the second one: no pass ran in between for the handled request.
      const second = await handle.executeUpdate(reconcileNowUpdate, { args: [{}] });
      assert.equal(second.ready, true);
      assert.equal((await handle.query(progressQuery)).reconciles, 2);
      await handle.terminate();
    });
    assert.deepEqual(
      calls.filter((c) => c.startsWith('build')),
      ['build:aaa', 'build:aaa']
    );
  });
});

import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Activities } from '../../../activities/index.js';
import type { FluxEvent } from '../../../api/events.js';
import {
  notificationStatsQuery,
  type NotificationProgress,
  notifySignal,
  type DeliverNotificationInput,
  type NotificationRequest,
  type NotificationWorkflowInput,
} from '../../../api/notification.js';
import { notificationWorkflow } from '../../../workflows/index.js';
import { DELIVERIES_PER_RUN } from '../../../workflows/notification-queue.js';
import { uniqueName } from '../../support/names.js';
import { createTestWorkflowEnv } from '../../support/temporal.js';

const require = createRequire(import.meta.url);

const request = (message: string): NotificationRequest => ({
  alert: { namespace: 'apps', name: 'on-call' },
  event: {
    involvedObject: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      namespace: 'apps',
      name: 'web',
    },
    severity: 'error',
    timestamp: new Date().toISOString(),
    message,
    reason: 'ReconciliationFailed',
    metadata: {},
    reportingController: 'kustomize-controller',
  } satisfies FluxEvent,
  commitStatusUpdate: false,
  hasCommitKey: false,
});

/** Short intervals so retries and timers happen within a test. */
const FAST: Partial<NotificationWorkflowInput> = { retryInitialMs: 100, maxRetryIntervalMs: 200, minIntervalMs: 10 };

describe('notificationWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let workflowBundle: WorkflowBundleWithSourceMap;
  // One bundle for every test: bundling the workflows takes seconds, a Worker per test does not.
  before(async () => {
    env = await createTestWorkflowEnv();
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../../workflows/index.ts') });
  });
  after(async () => env?.teardown());

  /** Runs `body` with a worker whose deliverNotification is `deliver`; returns a signaller for one workflow. */
  async function withWorkflow(
    deliver: Activities['deliverNotification'],
    settings: Partial<NotificationWorkflowInput>,
    body: (h: {
      send: (...messages: string[]) => Promise<void>;
      stats: () => Promise<NotificationProgress>;
      workflowId: string;
      /** What reportNotificationFailure was asked to write on the Alert. */
      reports: { alert: { namespace: string; name: string }; message: string }[];
    }) => Promise<void>
  ): Promise<void> {
    const taskQueue = uniqueName('tq');
    const reports: { alert: { namespace: string; name: string }; message: string }[] = [];
    const workflowId = uniqueName('local/notify/apps/hook');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      activities: {
        deliverNotification: deliver,
        reportNotificationFailure: async (r: (typeof reports)[number]) => void reports.push(r),
      },
    });
    const input: NotificationWorkflowInput = {
      cluster: 'local',
      provider: { namespace: 'apps', name: 'hook' },
      ...FAST,
      ...settings,
    };
    const send = async (...messages: string[]): Promise<void> => {
      for (const m of messages) {
        await env.client.workflow.signalWithStart(notificationWorkflow, {
          workflowId,
          taskQueue,
          args: [input],
          signal: notifySignal,
          signalArgs: [request(m)],
        });
      }
    };
    const queryStats = () => env.client.workflow.getHandle(workflowId).query(notificationStatsQuery);
    await worker.runUntil(body({ send, stats: queryStats, workflowId, reports }));
  }

  async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(v)}`);
      await sleep(100);
    }
  }

  it('a Provider outage delays the alerts; after it recovers all arrive, in order, none dropped', async () => {
    let down = true;
    let attempts = 0;
    const delivered: string[] = [];
    const deliver = async (i: DeliverNotificationInput) => {
      attempts++;
      if (down)
        throw ApplicationFailure.retryable('POST generic endpoint answered HTTP 500', 'NotificationDispatchFailed');
      delivered.push(i.request.event.message);
      return { outcome: 'delivered' as const };
    };
    await withWorkflow(deliver, {}, async ({ send, stats }) => {
      await send('first', 'second', 'third');
      await until(
        async () => attempts,
        (n) => n >= 4
      );
      assert.deepEqual(delivered, []);
      down = false;
      const s = await until(stats, (v) => v.delivered === 3);
      assert.deepEqual(delivered, ['first', 'second', 'third']);
      assert.deepEqual(
        { ...s, lastError: undefined },
        { delivered: 3, skipped: 0, failed: 0, expired: 0, duplicates: 0, pending: 0, lastError: undefined }
      );
    });
  });

  it('rate-limits sends to one per minIntervalMs', async () => {
    const at: number[] = [];
    const deliver = async () => (at.push(Date.now()), { outcome: 'delivered' as const });
    await withWorkflow(deliver, { minIntervalMs: 400 }, async ({ send, stats }) => {
      await send('a', 'b', 'c', 'd');
      await until(stats, (v) => v.delivered === 4);
    });
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    assert.ok(
      gaps.every((g) => g >= 380),
      `gaps ${gaps.join(', ')} ms`
    );
  });

  it('an event still failing when its retention ends is reported as expired; later events still go', async () => {
    let down = true;
    const deliver = async (i: DeliverNotificationInput) => {
      if (down)
        throw ApplicationFailure.retryable(
          'POST slack endpoint http://127.0.0.1:1 failed: ECONNREFUSED',
          'NotificationDispatchFailed'
        );
      return { outcome: 'delivered' as const, detail: i.request.event.message };
    };
    await withWorkflow(deliver, { retentionMs: 1_500 }, async ({ send, stats, reports }) => {
      await send('lost-1', 'lost-2');
      const s = await until(stats, (v) => v.expired === 2);
      await until(
        async () => reports.length,
        (n) => n === 2
      );
      assert.match(
        reports[0]!.message,
        /web ReconciliationFailed expired undelivered: still failing after its retention/
      );
      assert.match(reports[1]!.message, /expired undelivered: its retention ended before it could be sent/);
      assert.match(
        s.lastError ?? '',
        /Kustomization\/apps\/web ReconciliationFailed: its retention ended before it could be sent/
      );
      down = false;
      await send('after-recovery');
      assert.equal((await until(stats, (v) => v.delivered === 1)).expired, 2);
    });
  });

  it('a permanent failure is counted and reported once; the next event is delivered', async () => {
    let calls = 0;
    const deliver = async (i: DeliverNotificationInput) => {
      calls++;
      if (i.request.event.message === 'bad')
        throw ApplicationFailure.nonRetryable('Provider apps/hook: address is empty', 'InvalidConfig');
      return { outcome: 'delivered' as const };
    };
    await withWorkflow(deliver, {}, async ({ send, stats, reports }) => {
      await send('bad', 'good');
      const s = await until(stats, (v) => v.delivered === 1);
      assert.equal(s.failed, 1);
      assert.deepEqual(reports, [
        {
          alert: { namespace: 'apps', name: 'on-call' },
          message:
            'failed to send notification for Kustomization/apps/web ReconciliationFailed: Provider apps/hook: address is empty',
        },
      ]);
      assert.match(s.lastError ?? '', /address is empty/);
      assert.equal(calls, 2, 'the permanent failure was not retried');
    });
  });

  it('drops identical copies of a recent event (a retried status write)', async () => {
    const deliver = async () => ({ outcome: 'delivered' as const });
    await withWorkflow(deliver, {}, async ({ send, stats }) => {
      await send('same', 'same', 'other', 'same');
      const s = await until(stats, (v) => v.delivered === 2);
      assert.equal(s.duplicates, 2);
    });
  });

  it(`continues as new after ${DELIVERIES_PER_RUN} deliveries, carrying the queue and counters`, async () => {
    const delivered: string[] = [];
    const deliver = async (i: DeliverNotificationInput) => (
      delivered.push(i.request.event.message),
      { outcome: 'delivered' as const }
    );
    await withWorkflow(deliver, { minIntervalMs: 1 }, async ({ send, stats, workflowId }) => {
      const total = DELIVERIES_PER_RUN + 3;
      await send(...Array.from({ length: total }, (_, i) => `event-${i}`));
      const s = await until(stats, (v) => v.delivered === total, 60_000);
      assert.equal(s.pending, 0);
      assert.deepEqual(
        delivered,
        Array.from({ length: total }, (_, i) => `event-${i}`)
      );
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      assert.ok(started?.continuedExecutionRunId, 'the current run continued an earlier one');
    });
  });

  it('ends after idleTimeoutMs without events; the next event starts it again', async () => {
    const deliver = async () => ({ outcome: 'delivered' as const });
    await withWorkflow(deliver, { idleTimeoutMs: 300 }, async ({ send, workflowId, stats }) => {
      await send('one');
      await env.client.workflow.getHandle(workflowId).result();
      await send('two');
      assert.equal((await until(stats, (v) => v.delivered === 1)).delivered, 1, 'a new run with fresh counters');
    });
  });
});

import type { Client } from '@temporalio/client';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createKubeClients } from '../../../activities/kube/client.js';
import { NotificationSink } from '../../../activities/notify/sink.js';
import { AlertKind } from '../../../api/alert.js';
import type { FluxEvent } from '../../../api/events.js';
import {
  notificationStatsQuery,
  notificationWorkflowId,
  type NotificationProgress,
} from '../../../api/notification.js';
import { ProviderKind } from '../../../api/provider.js';
import { startHttpSink, type HttpSink } from '../../../tools/localenv/http-sink.js';
import { startBallast, type BallastHarness } from '../../support/ballast.js';
import { eventually, TestCluster } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';
import { startWorkerProcess, type WorkerProcess } from '../../support/worker-process.js';
import { historyText } from '../../support/history.js';

const TOKEN = `hmac-${randomBytes(12).toString('hex')}`;
const HOOK_PATH = `/hooks/T0/${randomBytes(12).toString('hex')}`;

const ksEvent = (namespace: string, message: string): FluxEvent => ({
  involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace, name: 'web' },
  severity: 'error',
  timestamp: new Date().toISOString(),
  message,
  reason: 'HealthCheckFailed',
  metadata: { 'kustomize.toolkit.fluxcd.io/revision': `main@sha1:${'c'.repeat(40)}` },
  reportingController: 'kustomize-controller',
});

// The worker runs in its own process so its log output can be read back and scanned.
describe('Alert delivery through a Provider outage (generic-hmac, real worker and cluster)', () => {
  let env: TestEnv;
  let h: BallastHarness;
  let ns: string;
  let worker: WorkerProcess;
  let logFile: string;
  let sink: HttpSink;
  before(async () => {
    env = await useLocalEnv();
    ns = uniqueName('notify');
    h = await startBallast(env, ns, { worker: false });
    await new TestCluster(h.kc).createNamespace(ns);
    logFile = path.join(await mkdtemp(path.join(tmpdir(), 'ballast-notify-')), 'worker.log');
    worker = startWorkerProcess(env, h, logFile);
    sink = await startHttpSink();
  });
  after(async () => {
    await worker?.kill('SIGTERM');
    await sink?.close();
    await h?.stop();
    await env?.release();
  });

  const stats = (client: Client): Promise<NotificationProgress> =>
    client.workflow
      .getHandle(notificationWorkflowId(h.clusterName, { namespace: ns, name: 'hook' }))
      .query(notificationStatsQuery);

  it('delivers every alert after 500s and after the endpoint was down; no secret in history or logs', async () => {
    const cluster = new TestCluster(h.kc);
    let refusals = 0;
    // Two 500s that echo the secret webhook path, as a careless server might.
    sink.answer(() => (refusals < 2 ? (refusals++, { status: 500, body: `no route ${HOOK_PATH}` }) : { status: 200 }));
    await cluster.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'hook' }, stringData: { address: `${sink.url}${HOOK_PATH}`, token: TOKEN } },
    });
    await cluster.createFlux(ProviderKind, ns, 'hook', { type: 'generic-hmac', secretRef: { name: 'hook' } });
    await cluster.createFlux(AlertKind, ns, 'all', {
      providerRef: { name: 'hook' },
      eventSources: [{ kind: 'Kustomization', name: '*' }],
      eventMetadata: { cluster: 'test' },
    });
    const notifications = new NotificationSink({
      kube: createKubeClients(h.kc),
      temporal: h.client,
      taskQueue: h.taskQueue,
      cluster: h.clusterName,
      log: pino({ level: 'silent' }),
    });

    // 1. The endpoint answers 500 twice: the alert arrives on the third try, signed with the token.
    await notifications.record(ksEvent(ns, 'first alert'));
    const first = await sink.waitFor((r) => r.body.includes('first alert') && sink.requests.indexOf(r) >= 2, 60_000);
    assert.equal(sink.requests.length, 3, 'two refused attempts, then the delivery');
    assert.equal(first.path, HOOK_PATH);
    assert.equal(
      first.headers['x-signature'],
      `sha256=${createHmac('sha256', TOKEN).update(first.body).digest('hex')}`
    );
    const body = JSON.parse(first.body) as { metadata: Record<string, string> };
    assert.deepEqual(body.metadata, { revision: `main@sha1:${'c'.repeat(40)}`, cluster: 'test' });

    // 2. The endpoint is down (connection refused) while the next alert is queued, then comes back.
    const port = Number(new URL(sink.url).port);
    await sink.close();
    await notifications.record(ksEvent(ns, 'second alert'));
    await sleep(3_000);
    const waiting = await stats(h.client);
    assert.equal(waiting.pending, 1, `queued while down: ${JSON.stringify(waiting)}`);
    sink = await startHttpSink({ port });
    await sink.waitFor((r) => r.body.includes('second alert'), 90_000);
    const done = await eventually(
      async () => {
        const s = await stats(h.client);
        return s.delivered === 2 ? s : undefined;
      },
      async () => JSON.stringify(await stats(h.client)),
      10_000
    );
    assert.deepEqual([done.failed, done.expired, done.pending], [0, 0, 0]);

    // 3. Secrets: the history holds the events (the scan can see payloads) but no credential.
    const history = await h.client.workflow
      .getHandle(notificationWorkflowId(h.clusterName, { namespace: ns, name: 'hook' }))
      .fetchHistory();
    const text = historyText(history);
    assert.ok(text.includes('second alert'), 'the scan reads payloads');
    assert.ok(text.includes('HTTP 500'), 'the failed attempts are in history');
    for (const secret of [TOKEN, HOOK_PATH.slice(1), HOOK_PATH.split('/').pop()!]) {
      assert.ok(!text.includes(secret), `workflow history contains a secret (${secret.slice(0, 6)}…)`);
    }
    const logs = await readFile(logFile, 'utf8');
    assert.match(logs, /answered HTTP 500: no route \*{5}/, 'the failed attempts were logged, masked');
    for (const secret of [TOKEN, HOOK_PATH.split('/').pop()!]) {
      assert.ok(!logs.includes(secret), 'a worker log line contains a secret');
    }
  });
});

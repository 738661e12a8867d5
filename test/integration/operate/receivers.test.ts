import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createKubeClients } from '../../../activities/kube/client.js';
import { KustomizationKind } from '../../../api/kustomization.js';
import { ReceiverKind } from '../../../api/receiver.js';
import { ReceiverWatcher } from '../../../workers/controller/receivers.js';
import { controllerRoutes } from '../../../workers/http/api-plugins.js';
import { createHttpServer } from '../../../workers/http/server.js';
import { condition, eventually, type FluxObject } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

type ReceiverObject = FluxObject & { status?: FluxObject['status'] & { webhookPath?: string } };

describe('Receivers (notification.toolkit.fluxcd.io/v1)', () => {
  let f: GitOpsFixture;
  let watcher: ReceiverWatcher;
  let server: FastifyInstance;
  let base: string;
  const token = randomBytes(16).toString('hex');

  before(async () => {
    f = await setupGitOps('receivers');
    // Rejected hooks are logged as warnings by design; keep the test output to errors unless asked.
    const log = pino({ level: process.env.BALLAST_TEST_LOG ?? 'error' });
    const kube = createKubeClients(f.ballast.kc);
    watcher = new ReceiverWatcher({ kubeConfig: f.ballast.kc, kube, log, namespace: f.ns, retryMs: 1000 });
    await watcher.start();
    server = await createHttpServer({
      log,
      registry: new Registry(),
      ready: () => true,
      plugins: controllerRoutes({
        temporal: f.ballast.client,
        kube,
        clusterName: f.ballast.clusterName,
        fieldManager: 'ballast',
        receivers: watcher,
        log,
      }),
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    await f.cluster.core.createNamespacedSecret({
      namespace: f.ns,
      body: { metadata: { name: 'webhook-token' }, stringData: { token } },
    });
    const commit = await f.push({ 'app/cm.yaml': configMap('app', 'one') });
    await f.kustomization('app', { path: './app' });
    await f.waitReady('app', commit);
  });
  after(async () => {
    await server?.close();
    await watcher?.stop();
    await f?.close();
  });

  /** Creates a Receiver targeting Kustomization app and waits until it is Ready with its path. */
  const receiver = async (name: string, spec: Record<string, unknown>): Promise<string> => {
    await f.cluster.createFlux(ReceiverKind, f.ns, name, {
      secretRef: { name: 'webhook-token' },
      resources: [{ kind: 'Kustomization', name: 'app' }],
      ...spec,
    });
    const expected = `/hook/${createHash('sha256').update(`${token}${name}${f.ns}`).digest('hex')}`;
    const ready = await eventually(
      async () => {
        const r = await f.cluster.getFlux<ReceiverObject>(ReceiverKind, f.ns, name);
        return condition(r, 'Ready')?.status === 'True' ? r : undefined;
      },
      async () => JSON.stringify((await f.cluster.getFlux(ReceiverKind, f.ns, name))?.status),
      30_000
    );
    assert.equal(ready.status?.webhookPath, expected, 'the path Flux derives');
    assert.equal(condition(ready, 'Ready')?.message, `Receiver initialized for path: ${expected}`);
    return expected;
  };

  const requestedAt = async (): Promise<string | undefined> =>
    (await f.cluster.getFlux(KustomizationKind, f.ns, 'app'))?.metadata.annotations?.[REQUESTED_AT];

  /** Sends a hook; asserts its status code; on 200 waits until app was annotated anew and reconciled. */
  const send = async (
    path: string,
    init: { headers?: Record<string, string>; body: string },
    code: number
  ): Promise<void> => {
    const previous = await requestedAt();
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: init.headers, body: init.body });
    assert.equal(res.status, code, await res.text());
    const now = await requestedAt();
    if (code !== 200) {
      assert.equal(now, previous, 'a rejected hook writes no annotation');
      return;
    }
    assert.ok(now !== undefined && now !== previous, 'the target was annotated');
    await f.waitFor(
      'app',
      (ks) => ks.status?.lastHandledReconcileAt === now && condition(ks, 'Ready')?.status === 'True'
    );
  };

  const sign = (alg: string, body: string): string => `${alg}=${createHmac(alg, token).update(body).digest('hex')}`;

  it('GitHub: a signed push reconciles the target; a wrong signature or an unwanted event is refused', async () => {
    const path = await receiver('github', { type: 'github', events: ['push'] });
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc' });
    const headers = { 'content-type': 'application/json', 'x-github-event': 'push' };
    await send(path, { headers: { ...headers, 'x-hub-signature-256': sign('sha256', body) }, body }, 200);
    const forged = createHmac('sha256', 'guess').update(body).digest('hex');
    await send(path, { headers: { ...headers, 'x-hub-signature-256': `sha256=${forged}` }, body }, 400);
    await send(
      path,
      { headers: { ...headers, 'x-github-event': 'ping', 'x-hub-signature-256': sign('sha256', body) }, body },
      400
    );
  });

  it('GitLab: the X-Gitlab-Token header reconciles the target; a wrong token is refused', async () => {
    const path = await receiver('gitlab', { type: 'gitlab', events: ['Push Hook'] });
    const body = JSON.stringify({ object_kind: 'push' });
    await send(path, { headers: { 'x-gitlab-token': token, 'x-gitlab-event': 'Push Hook' }, body }, 200);
    await send(path, { headers: { 'x-gitlab-token': 'nope', 'x-gitlab-event': 'Push Hook' }, body }, 400);
  });

  it('generic-hmac: X-Signature reconciles every target matching * and matchLabels', async () => {
    await f.cluster.patchFlux(KustomizationKind, f.ns, 'app', { metadata: { labels: { team: 'a' } } });
    const path = await receiver('hmac', {
      type: 'generic-hmac',
      resources: [
        { apiVersion: KustomizationKind.apiVersion, kind: 'Kustomization', name: '*', matchLabels: { team: 'a' } },
      ],
    });
    const body = '{"anything":true}';
    await send(
      path,
      { headers: { 'content-type': 'application/json', 'x-signature': sign('sha512', body) }, body },
      200
    );
    await send(path, { headers: { 'x-signature': sign('sha256', `${body} `) }, body }, 400);
  });

  it('CDEvents: a valid event of a wanted type reconciles the target; a malformed one is refused', async () => {
    const type = 'dev.cdevents.change.merged.0.2.0';
    const path = await receiver('cdevents', { type: 'cdevents', events: [type] });
    const event = {
      context: { version: '0.4.1', id: 'e1', source: '/scm', type, timestamp: new Date().toISOString() },
      subject: { id: 'change-1', source: '/scm', content: { repository: { id: 'repo' } } },
    };
    const headers = { 'content-type': 'application/json', 'ce-type': type };
    await send(path, { headers, body: JSON.stringify(event) }, 200);
    await send(path, { headers, body: JSON.stringify({ ...event, context: { ...event.context, type: 'push' } }) }, 400);
  });

  it('refuses an oversized body (413) and an unknown path (404) without annotating', async () => {
    const path = await receiver('generic', { type: 'generic' });
    await send(
      path,
      { headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(3 * 1024 * 1024)}"` },
      413
    );
    await send(`/hook/${'0'.repeat(64)}`, { body: '{}' }, 404);
    await send(path, { body: '{}' }, 200);
  });

  it('reports TokenNotFound and no path while the Secret is missing, then becomes Ready when it appears', async () => {
    await f.cluster.createFlux(ReceiverKind, f.ns, 'late', {
      type: 'generic',
      secretRef: { name: 'late-token' },
      resources: [{ kind: 'Kustomization', name: 'app' }],
    });
    const waiting = await eventually(
      async () => {
        const r = await f.cluster.getFlux<ReceiverObject>(ReceiverKind, f.ns, 'late');
        return condition(r, 'Ready')?.reason === 'TokenNotFound' ? r : undefined;
      },
      () => 'no TokenNotFound',
      30_000
    );
    assert.equal(condition(waiting, 'Ready')?.status, 'False');
    assert.equal(condition(waiting, 'Reconciling')?.reason, 'ProgressingWithRetry');
    assert.equal(waiting.status?.webhookPath, undefined);
    await f.cluster.core.createNamespacedSecret({
      namespace: f.ns,
      body: { metadata: { name: 'late-token' }, stringData: { token: 'later' } },
    });
    await eventually(
      async () => {
        const r = await f.cluster.getFlux<ReceiverObject>(ReceiverKind, f.ns, 'late');
        return r?.status?.webhookPath && condition(r, 'Ready')?.status === 'True' ? true : undefined;
      },
      () => 'not Ready after the Secret appeared',
      30_000
    );
  });
});

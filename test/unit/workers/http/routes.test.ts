import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { KubeClients } from '../../../../activities/kube/client.js';
import type { Receiver } from '../../../../api/receiver.js';
import { reconcileApiRoutes } from '../../../../workers/http/api.js';
import { openApiRoute } from '../../../../workers/http/openapi.js';
import { receiverRoutes } from '../../../../workers/http/receivers/routes.js';
import { createHttpServer } from '../../../../workers/http/server.js';

// Routes against fakes: only the answers that need no cluster and no Temporal (the integration
// tests under test/integration/operate cover the rest against the real environment).

const receiver = (path: string, ready: boolean, suspend = false): Receiver => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1',
  kind: 'Receiver',
  metadata: { name: 'r', namespace: 'ns' },
  spec: { type: 'generic', interval: '10m', secretRef: { name: 's' }, resources: [], suspend },
  status: {
    observedGeneration: 1,
    webhookPath: path,
    conditions: [
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        reason: 'x',
        message: '',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
  },
});

describe('HTTP routes without a cluster', () => {
  let app: FastifyInstance;
  const receivers = [
    receiver('/hook/ready', true),
    receiver('/hook/unready', false),
    receiver('/hook/suspended', true, true),
  ];
  const untouchable = new Proxy({}, { get: () => assert.fail('must not reach Kubernetes or Temporal') });

  before(async () => {
    app = await createHttpServer({
      log: pino({ level: 'silent' }),
      registry: new Registry(),
      ready: () => true,
      plugins: [
        reconcileApiRoutes({
          temporal: untouchable as Client,
          clusterName: 'c',
          token: { expected: () => Promise.resolve({ token: 'good' }) },
        }),
        openApiRoute,
        receiverRoutes({
          directory: { byWebhookPath: (p) => receivers.find((r) => r.status.webhookPath === p) },
          kube: untouchable as KubeClients,
          fieldManager: 'ballast',
          log: pino({ level: 'silent' }),
          bodyLimit: 1024,
        }),
      ],
    });
  });
  after(() => app.close());

  const url = '/api/v1/reconcile/Kustomization/ns/app';

  it('API: 401 with a Bearer challenge without a token, 403 with a wrong one', async () => {
    const none = await app.inject({ method: 'POST', url });
    assert.equal(none.statusCode, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="ballast"');
    const wrong = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer bad' } });
    assert.equal(wrong.statusCode, 403);
  });

  it('API: 400 naming the served kinds for an unknown kind, and for a bad name or query', async () => {
    const auth = { authorization: 'Bearer good' };
    const kind = await app.inject({ method: 'POST', url: '/api/v1/reconcile/Deployment/ns/app', headers: auth });
    assert.equal(kind.statusCode, 400);
    assert.match(kind.json<{ error: string }>().error, /unknown kind "Deployment": want one of .*Kustomization/);
    const name = await app.inject({ method: 'POST', url: '/api/v1/reconcile/ks/ns/Not_A_Name', headers: auth });
    assert.equal(name.statusCode, 400);
    assert.match(name.json<{ error: string }>().error, /name: must be an object name/);
    const wait = await app.inject({ method: 'POST', url: `${url}?wait=maybe`, headers: auth });
    assert.equal(wait.statusCode, 400);
    assert.match(wait.json<{ error: string }>().error, /wait/);
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json<{ openapi: string }>().openapi, '3.1.0');
  });

  it('hooks: 404 for an unknown path, 503 for a Receiver not Ready or suspended', async () => {
    assert.equal((await app.inject({ method: 'POST', url: '/hook/nope', payload: '{}' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: '/hook/unready', payload: '{}' })).statusCode, 503);
    assert.equal((await app.inject({ method: 'POST', url: '/hook/suspended', payload: '{}' })).statusCode, 503);
  });

  it('hooks: 413 for a body over the limit, whatever its content type', async () => {
    for (const contentType of ['application/json', 'text/plain', 'application/octet-stream']) {
      const res = await app.inject({
        method: 'POST',
        url: '/hook/ready',
        headers: { 'content-type': contentType },
        payload: `"${'x'.repeat(2048)}"`,
      });
      assert.equal(res.statusCode, 413, contentType);
    }
  });
});

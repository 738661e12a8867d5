import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createKubeClients } from '../../../activities/kube/client.js';
import type { ReconcileProgress, ReconcileResult } from '../../../api/messages.js';
import { controllerRoutes } from '../../../workers/http/api-plugins.js';
import {
  ReconcileAcceptedSchema,
  ReconcileProgressSchema,
  ReconcileRequestStatusSchema,
  ReconcileResultSchema,
} from '../../../workers/http/api-schemas.js';
import { createHttpServer } from '../../../workers/http/server.js';
import { eventually } from '../../support/cluster.js';
import { configMap, deployment, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

describe('HTTP reconcile API', () => {
  let f: GitOpsFixture;
  let server: FastifyInstance;
  let base: string;
  let commit: string;
  const token = randomBytes(24).toString('hex');

  before(async () => {
    f = await setupGitOps('http-api');
    await f.cluster.core.createNamespacedSecret({
      namespace: f.ns,
      body: { metadata: { name: 'api-token' }, stringData: { token } },
    });
    server = await createHttpServer({
      log: pino({ level: process.env.BALLAST_TEST_LOG ?? 'warn' }),
      registry: new Registry(),
      ready: () => true,
      plugins: controllerRoutes({
        temporal: f.ballast.client,
        kube: createKubeClients(f.ballast.kc),
        clusterName: f.ballast.clusterName,
        fieldManager: 'ballast',
        apiTokenSecret: `${f.ns}/api-token`,
        receivers: { byWebhookPath: () => undefined },
        log: pino({ level: 'silent' }),
      }),
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    commit = await f.push({
      'app/cm.yaml': configMap('app', 'one'),
      'slow/web.yaml': deployment('web', { schedulable: false }),
    });
    await f.kustomization('app', { path: './app' });
    await f.waitReady('app', commit);
  });
  after(async () => {
    await server?.close();
    await f?.close();
  });

  const call = (method: 'GET' | 'POST', path: string, auth: string | null = token): Promise<Response> =>
    fetch(`${base}${path}`, { method, headers: auth === null ? {} : { authorization: `Bearer ${auth}` } });
  const ks = (name: string): string => `/api/v1/reconcile/Kustomization/${f.ns}/${name}`;
  const progress = async (name: string): Promise<ReconcileProgress> =>
    ReconcileProgressSchema.parse(await (await call('GET', ks(name))).json());

  it('answers 401 without a token and 403 with a wrong one, and reconciles nothing', async () => {
    const before = (await progress('app')).reconciles;
    const none = await call('POST', ks('app'), null);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="ballast"');
    assert.equal((await call('POST', ks('app'), 'not-the-token')).status, 403);
    assert.equal((await call('GET', ks('app'), 'not-the-token')).status, 403);
    assert.equal((await progress('app')).reconciles, before);
  });

  it('reconciles and answers with the result of that reconcile', async () => {
    const before = await progress('app');
    const res = await call('POST', `/api/v1/reconcile/ks/${f.ns}/app`);
    assert.equal(res.status, 200);
    const result = ReconcileResultSchema.parse(await res.json());
    assert.equal(result.ready, true, result.message);
    assert.ok(result.revision?.endsWith(commit), result.revision);
    assert.ok(result.steps.includes('apply'), result.steps.join(','));
    const after = await progress('app');
    assert.equal(after.reconciles, before.reconciles + 1);
    assert.deepEqual(after.last, result);
  });

  it('answers 202 with a handle when asked not to wait, and the poll gives the result', async () => {
    const res = await call('POST', `${ks('app')}?wait=false`);
    assert.equal(res.status, 202);
    const accepted = ReconcileAcceptedSchema.parse(await res.json());
    assert.equal(res.headers.get('location'), accepted.poll);
    assert.equal(accepted.workflowId, `${f.ballast.clusterName}/Kustomization/${f.ns}/app`);
    const done = await eventually(
      async () => {
        const status = ReconcileRequestStatusSchema.parse(await (await call('GET', accepted.poll)).json());
        return status.state === 'completed' ? status : undefined;
      },
      () => 'request still running',
      30_000
    );
    assert.equal(done.updateId, accepted.updateId);
    assert.equal(done.result?.ready, true);
    assert.deepEqual((await progress('app')).last, done.result);
  });

  it('answers 404 for an object without a workflow and for an unknown request', async () => {
    const missing = await call('POST', ks('no-such-object'));
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /no Ballast workflow for Kustomization/);
    const unknown = await call('GET', `${ks('app')}?update=no-such-update`);
    assert.equal(unknown.status, 404);
  });

  it('coalesces concurrent triggers: five POSTs during a pass share the next pass', async () => {
    // A pass that waits for a Deployment that never becomes Available lasts the health timeout,
    // long enough for the five requests to be accepted while it runs.
    await f.kustomization('slow', { path: './slow', wait: true, timeout: '6s' });
    await eventually(
      async () => ((await call('GET', ks('slow'))).status === 200 ? (await progress('slow')).last : undefined),
      () => 'first pass of slow not finished',
      60_000
    );
    const start = (await progress('slow')).reconciles;
    assert.equal((await call('POST', `${ks('slow')}?wait=false`)).status, 202);
    await eventually(
      async () => ((await progress('slow')).step !== 'idle' ? true : undefined),
      () => 'pass did not start'
    );
    const answers = await Promise.all(Array.from({ length: 5 }, () => call('POST', ks('slow'))));
    const results: ReconcileResult[] = [];
    for (const res of answers) {
      assert.equal(res.status, 200);
      results.push(ReconcileResultSchema.parse(await res.json()));
    }
    for (const r of results) assert.deepEqual(r, results[0], 'every caller gets the result of the same pass');
    assert.equal(results[0]?.reason, 'HealthCheckFailed');
    const end = await progress('slow');
    assert.equal(end.reconciles, start + 2, 'the running pass plus one shared pass for all five');
    assert.deepEqual(end.last, results[0]);
  });
});

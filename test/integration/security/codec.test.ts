import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createKubeClients } from '../../../activities/kube/client.js';
import { workflowIdFor } from '../../../api/workflow-ids.js';
import { codecDataConverter } from '../../../workers/codec/data-converter.js';
import { controllerRoutes } from '../../../workers/http/api-plugins.js';
import { createHttpServer } from '../../../workers/http/server.js';
import { setupGitOps, type GitOpsFixture } from '../../support/gitops.js';
import { startWorkerProcess, type WorkerProcess } from '../../support/worker-process.js';

/**
 * The SDK core's own bookkeeping in marker details, written as plain JSON without the codec: patch
 * ids (`patch-data`) and a local activity's sequence number, type and times (`data`). The local
 * activity's result sits beside them under `result` and is encrypted like every other payload.
 */
const CORE_MARKER_DETAILS = new Set(['data', 'patch-data']);

/**
 * Every `{metadata, data}` payload anywhere in a history (inputs, results, signals, updates, memo…)
 * except search attributes: the server indexes those, so no codec touches them (they hold the
 * object's kind, namespace, name and cluster, never spec or Secret data).
 */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const v = value as Record<string, unknown>;
  if (typeof v.markerName === 'string' && v.details && typeof v.details === 'object') {
    const details = Object.entries(v.details as Record<string, unknown>);
    for (const [key, child] of details) if (!CORE_MARKER_DETAILS.has(key)) payloadsIn(child, found);
    return found;
  }
  if (v.metadata && typeof v.metadata === 'object' && (v.data instanceof Uint8Array || v.data === undefined)) {
    if ((v.metadata as Record<string, unknown>).encoding instanceof Uint8Array) found.push(v);
  }
  for (const [key, child] of Object.entries(v)) if (key !== 'searchAttributes') payloadsIn(child, found);
  return found;
}

/** The history as text, bytes read as UTF-8, so a plain value anywhere in it would show. */
const asText = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));

describe('payload codec on: history holds only ciphertext; the API and the codec server still work', () => {
  const codecKey = randomBytes(32).toString('base64');
  const marker = `codec-marker-${randomBytes(6).toString('hex')}`;
  let f: GitOpsFixture;
  let worker: WorkerProcess;
  let logFile: string;
  before(async () => {
    f = await setupGitOps('codec', { worker: false, config: { codecKey } });
    logFile = path.join(f.ballast.artifactDir, 'worker.log');
    // A worker process, so every line it logs (debug level) can be scanned.
    worker = startWorkerProcess(f.env, f.ballast, logFile, { BALLAST_CODEC_KEY: codecKey, BALLAST_LOG_LEVEL: 'debug' });
  });
  after(async () => {
    await worker?.kill('SIGTERM');
    await f?.close();
  });

  it('reconciles with substituteFrom a Secret; history payloads are binary/encrypted and decode with the key', async () => {
    await f.cluster.core.createNamespacedSecret({
      namespace: f.ns,
      body: { metadata: { name: 'vars' }, stringData: { password: marker } },
    });
    const tpl = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\ndata:\n  value: "${password}"\n';
    const rev = await f.push({ 'sub/cm.yaml': tpl });
    await f.kustomization('app', { path: './sub', postBuild: { substituteFrom: [{ kind: 'Secret', name: 'vars' }] } });
    await f.waitReady('app', rev, 120_000);
    const cm = (await f.cluster.get('v1', 'ConfigMap', f.ns, 'sub')) as { data?: { value?: string } } | undefined;
    assert.equal(cm?.data?.value, marker, 'the Secret value was substituted');

    // A client without the codec sees what the Temporal server stores.
    const raw = new Client({ connection: f.ballast.client.connection, namespace: f.env.temporalNamespace });
    const ids = ['Kustomization', 'GitRepository'].map((kind) =>
      workflowIdFor({
        cluster: f.ballast.clusterName,
        kind,
        namespace: f.ns,
        name: kind === 'Kustomization' ? 'app' : 'repo',
      })
    );
    const codec = codecDataConverter({ codecKey })?.payloadCodecs?.[0];
    assert.ok(codec);
    for (const id of ids) {
      const history = await raw.workflow.getHandle(id).fetchHistory();
      const payloads = payloadsIn(history);
      assert.ok(payloads.length > 3, `${id}: payloads found in history`);
      const encodings = new Set(payloads.map((p) => Buffer.from(p.metadata?.encoding ?? []).toString()));
      assert.deepEqual([...encodings], ['binary/encrypted'], `${id}: every payload encrypted`);
      assert.ok(!asText(history).includes(marker), `${id}: the Secret value is not in history`);

      // With the key, the workflow input decodes to the plain JSON the controller sent.
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      const [input] = await codec.decode(started);
      assert.ok(input);
      assert.equal(Buffer.from(input.metadata?.encoding ?? []).toString(), 'json/plain');
      assert.match(JSON.stringify(defaultPayloadConverter.fromPayload(input)), new RegExp(f.ns));
    }

    const log = await readFile(logFile, 'utf8');
    assert.match(log, /worker started/, 'the worker log was captured');
    assert.ok(!log.includes(marker), 'the Secret value is not in the worker log');
  });

  it('serves the reconcile API and a codec server that decodes the stored history', async () => {
    const token = randomBytes(24).toString('hex');
    await f.cluster.core.createNamespacedSecret({
      namespace: f.ns,
      body: { metadata: { name: 'api-token' }, stringData: { token } },
    });
    const codecs = codecDataConverter({ codecKey })?.payloadCodecs ?? [];
    const server = await createHttpServer({
      log: pino({ level: 'silent' }),
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
        codecServer: { codecs, corsOrigin: 'http://localhost:8233' },
      }),
    });
    try {
      const headers = { authorization: `Bearer ${token}` };
      // The API's Update and its result cross Temporal encrypted and come back decoded.
      const reconciled = await server.inject({
        method: 'POST',
        url: `/api/v1/reconcile/Kustomization/${f.ns}/app?wait=true`,
        headers,
      });
      assert.equal(reconciled.statusCode, 200, reconciled.body);

      const id = workflowIdFor({ cluster: f.ballast.clusterName, kind: 'Kustomization', namespace: f.ns, name: 'app' });
      const raw = new Client({ connection: f.ballast.client.connection, namespace: f.env.temporalNamespace });
      const history = await raw.workflow.getHandle(id).fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      assert.ok(input);
      const b64 = (u: Uint8Array | null | undefined): string => Buffer.from(u ?? []).toString('base64');
      const asUiSends = {
        payloads: [
          {
            metadata: Object.fromEntries(Object.entries(input.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
            data: b64(input.data),
          },
        ],
      };
      const refused = await server.inject({ method: 'POST', url: '/codec/decode', payload: asUiSends });
      assert.equal(refused.statusCode, 401);
      const decoded = await server.inject({
        method: 'POST',
        url: '/codec/decode',
        headers: { ...headers, 'x-namespace': f.env.temporalNamespace, origin: 'http://localhost:8233' },
        payload: asUiSends,
      });
      assert.equal(decoded.statusCode, 200, decoded.body);
      assert.equal(decoded.headers['access-control-allow-origin'], 'http://localhost:8233');
      const [payload] = decoded.json<{ payloads: { metadata: { encoding: string }; data: string }[] }>().payloads;
      assert.equal(Buffer.from(payload?.metadata.encoding ?? '', 'base64').toString(), 'json/plain');
      assert.match(Buffer.from(payload?.data ?? '', 'base64').toString(), new RegExp(`"${f.ns}"`));
    } finally {
      await server.close();
    }
  });
});

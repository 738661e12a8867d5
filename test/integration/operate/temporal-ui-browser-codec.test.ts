import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { Registry } from 'prom-client';
import { workflowIdFor } from '../../../api/workflow-ids.js';
import { freePort } from '../../../tools/localenv/ports.js';
import { ProcessGroup } from '../../../tools/localenv/processes.js';
import { startTemporal, type TemporalServer } from '../../../tools/localenv/temporal.js';
import { codecDataConverter } from '../../../workers/codec/data-converter.js';
import { codecServerRoutes } from '../../../workers/http/codec-server.js';
import { createHttpServer } from '../../../workers/http/server.js';
import { launchChromium, TEST_ARTIFACTS } from '../../support/browser.js';
import { condition, eventually } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

/**
 * The operator's story of temporal-ui-browser.test.ts with payload encryption on: this file's own
 * Temporal dev server points its UI at a codec server (`--ui-codec-endpoint`), and the browser
 * plays the header-adding proxy the README asks for, so the UI shows decoded inputs while history
 * holds only ciphertext.
 */

/** The codec server on loopback, admitting the UI's origin, with a static bearer token. */
async function startCodecServer(codecKey: string, uiOrigin: string, token: string): Promise<FastifyInstance> {
  const app = await createHttpServer({
    log: pino({ level: 'silent' }),
    registry: new Registry(),
    ready: () => true,
    plugins: [
      codecServerRoutes({
        codecs: codecDataConverter({ codecKey })?.payloadCodecs ?? [],
        token: { expected: () => Promise.resolve({ token }) },
        corsOrigin: uiOrigin,
      }),
    ],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

/** The port a listening fastify server was given. */
function portOf(app: FastifyInstance): number {
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('codec server is not listening on TCP');
  return addr.port;
}

/** The first failed activity of a workflow's history: its type and failure message. */
async function failedStep(client: Client, workflowId: string): Promise<{ type: string; message: string }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, string>();
  for (const e of history.events ?? []) {
    const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) scheduled.set(String(e.eventId), type);
    const failed = e.activityTaskFailedEventAttributes;
    if (failed)
      return { type: scheduled.get(String(failed.scheduledEventId)) ?? '?', message: failed.failure?.message ?? '' };
  }
  throw new Error(`no failed activity in ${workflowId}`);
}

/** The workflow's start input as the Temporal server stores it, read by a client without the codec. */
async function storedInput(raw: Client, workflowId: string): Promise<Payload> {
  const history = await raw.workflow.getHandle(workflowId).fetchHistory();
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  assert.ok(input, `${workflowId} has a start input`);
  return input;
}

const text = (u: Uint8Array | null | undefined): string => Buffer.from(u ?? []).toString('utf8');
const b64 = (u: Uint8Array | null | undefined): string => Buffer.from(u ?? []).toString('base64');

/** Waits for `content` on the page; on failure keeps a screenshot and says what the page showed. */
async function expectOnPage(page: Page, content: string | RegExp, screenshot: string, timeout = 30_000): Promise<void> {
  try {
    await page.getByText(content).first().waitFor({ timeout });
  } catch (err) {
    await mkdir(TEST_ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(TEST_ARTIFACTS, screenshot), fullPage: true });
    const body = (await page.innerText('body').catch(() => '')).slice(0, 1500);
    throw new Error(`${String(content)} not shown (screenshot ${screenshot}): ${body}`, { cause: err });
  }
}

describe('the Temporal UI decodes encrypted payloads through the codec server', () => {
  const codecKey = randomBytes(32).toString('base64');
  const token = randomBytes(24).toString('hex');
  const marker = `missing-${randomBytes(4).toString('hex')}`;
  let dir: string;
  let group: ProcessGroup;
  let codecServer: FastifyInstance;
  let codecEndpoint: string;
  let temporal: TemporalServer;
  let f: GitOpsFixture;
  let browser: Browser;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ballast-ui-codec-'));
    group = new ProcessGroup(dir, path.basename(dir));
    // The UI's port is chosen first: the codec server must know the origin its browser calls come from.
    const ports = {
      port: await freePort(),
      uiPort: await freePort(),
      httpPort: await freePort(),
      metricsPort: await freePort(),
    };
    codecServer = await startCodecServer(codecKey, `http://127.0.0.1:${ports.uiPort}`, token);
    codecEndpoint = `http://127.0.0.1:${portOf(codecServer)}/codec`;
    temporal = await startTemporal(group, dir, undefined, ports, { uiCodecEndpoint: codecEndpoint });
    f = await setupGitOps('uicodec', { config: { codecKey }, temporal });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await f?.close();
    await group?.stopAll();
    await codecServer?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const idOf = (name: string): string =>
    workflowIdFor({ cluster: f.ballast.clusterName, kind: 'Kustomization', namespace: f.ns, name });

  it('shows the decoded input of a failing and a ready Kustomization, whose stored history is ciphertext', async () => {
    const rev = await f.push({ 'app/cm.yaml': configMap('settings', 'x') });
    await f.kustomization('broken', { path: `./${marker}` });
    await f.kustomization('app', { path: './app' });
    await f.waitFor('broken', (ks) => (condition(ks, 'Ready')?.message ?? '').includes(marker), 90_000);
    await f.waitReady('app', rev, 90_000);

    // Negative control: a client without the codec sees only ciphertext, never the namespace.
    const raw = new Client({ connection: f.ballast.client.connection, namespace: temporal.namespace });
    for (const name of ['broken', 'app']) {
      const input = await storedInput(raw, idOf(name));
      assert.equal(text(input.metadata?.encoding), 'binary/encrypted', `${name}: the stored input is encrypted`);
      assert.ok(!text(input.data).includes(f.ns), `${name}: the namespace is not readable in the stored input`);
    }
    const step = await failedStep(f.ballast.client, idOf('broken'));
    assert.match(step.message, new RegExp(marker), 'the failed step carries the status message');

    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // The header-adding proxy in front of the codec server, emulated: only codec calls get the token.
    const authorized: string[] = [];
    await page.route(`${codecEndpoint}/**`, (route) => {
      authorized.push(new URL(route.request().url()).pathname);
      return route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } });
    });

    // The operator's path: search attributes stay plain, so the filter finds the failing workflow.
    const query = `BallastKind="Kustomization" AND BallastReady=false AND BallastCluster="${f.ballast.clusterName}"`;
    await eventually(
      async () => {
        await page.goto(
          `${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows?query=${encodeURIComponent(query)}`
        );
        return page
          .getByText(idOf('broken'))
          .first()
          .waitFor({ timeout: 5_000 })
          .then(() => true)
          .catch(() => undefined);
      },
      async () => `${idOf('broken')} not listed for ${query}: ${(await page.innerText('body')).slice(0, 800)}`,
      60_000
    );
    await page.getByText(idOf('broken')).first().click();
    await page.waitForURL(/\/workflows\/.+/);
    // Decoded: the input's JSON in clear text, which only the codec server could produce.
    await expectOnPage(page, `"namespace": "${f.ns}"`, 'temporal-ui-codec-failing.png');
    await expectOnPage(page, `"name": "broken"`, 'temporal-ui-codec-failing.png');
    // The banner the UI shows when a codec call fails (e.g. without the proxy's token).
    assert.equal(await page.getByText('Codec Server could not connect').count(), 0, 'no codec error banner');
    await page.getByText(step.type).first().click();
    await expectOnPage(page, new RegExp(marker), 'temporal-ui-codec-failing.png', 15_000);
    await mkdir(TEST_ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(TEST_ARTIFACTS, 'temporal-ui-codec-failing.png'), fullPage: true });

    // The ready one, opened by its address (the workflow id has slashes: escaped).
    const runId = (await f.ballast.client.workflow.getHandle(idOf('app')).describe()).runId;
    const appPath = `workflows/${encodeURIComponent(idOf('app'))}/${runId}/history`;
    await page.goto(`${temporal.uiUrl}/namespaces/${temporal.namespace}/${appPath}`);
    await expectOnPage(page, `"name": "app"`, 'temporal-ui-codec-ready.png');
    await expectOnPage(page, `"namespace": "${f.ns}"`, 'temporal-ui-codec-ready.png');
    assert.ok(
      authorized.some((p) => p.endsWith('/codec/decode')),
      `the UI called the codec server's decode (saw ${authorized.join(', ')})`
    );
    await page.close();
  });

  it("lets a page on the UI's origin call decode with the headers the UI sends (CORS preflight)", async () => {
    const input = await storedInput(
      new Client({ connection: f.ballast.client.connection, namespace: temporal.namespace }),
      idOf('app')
    );
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(input.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
          data: b64(input.data),
        },
      ],
    };
    // No route here: Chromium itself sends the preflight, and refuses the call if the answer does not allow it.
    const page = await browser.newPage();
    await page.goto(temporal.uiUrl);
    const call = (authorization?: string): Promise<{ status: number; text: string }> =>
      page.evaluate(
        async ({ url, body, namespace, authorization }) => {
          const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Namespace': namespace };
          if (authorization) headers.Authorization = authorization;
          const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
          return { status: res.status, text: await res.text() };
        },
        { url: `${codecEndpoint}/decode`, body, namespace: temporal.namespace, authorization }
      );
    const decoded = await call(`Bearer ${token}`);
    assert.equal(decoded.status, 200, decoded.text);
    const [payload] = (JSON.parse(decoded.text) as { payloads: { metadata: { encoding: string }; data: string }[] })
      .payloads;
    assert.equal(Buffer.from(payload?.metadata.encoding ?? '', 'base64').toString(), 'json/plain');
    assert.match(Buffer.from(payload?.data ?? '', 'base64').toString(), new RegExp(`"${f.ns}"`));
    const refused = await call();
    assert.equal(refused.status, 401, 'without the proxy the browser gets no decoded payloads');
    await page.close();
  });
});

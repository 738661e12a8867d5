import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { condition, eventually } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';
import { createHttpServer } from '../../../workers/http/server.js';
import { createControllerMetrics } from '../../../workers/metrics/controller-metrics.js';
import { TEMPORAL_SDK_METRICS } from '../../../workers/metrics/temporal-sdk-metrics.js';
import { installTemporalRuntime } from '../../../workers/temporal-runtime.js';

/** A loopback port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Sample = { labels: Record<string, string>; value: number };

/** The samples of `name` in Prometheus text format. */
function samples(text: string, name: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const labels = Object.fromEntries(
        [...(/\{(.*)\}/.exec(line)?.[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]])
      ) as Record<string, string>;
      return { labels, value: Number(line.slice(line.lastIndexOf(' ') + 1)) };
    });
}

/** The value of the sample of `name` whose labels include `want`; 0 when there is none. */
function value(text: string, name: string, want: Record<string, string>): number {
  const match = samples(text, name).find((s) => Object.entries(want).every(([k, v]) => s.labels[k] === v));
  return match?.value ?? 0;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return res.text();
}

describe('metrics: /metrics of the worker and the controller after reconciles', () => {
  let f: GitOpsFixture;
  let sdkMetrics: string;
  const servers: { close(): Promise<unknown> }[] = [];
  let workerUrl: string;
  let controllerUrl: string;

  before(async () => {
    // The Temporal runtime is installed once per process: before the worker, with its metrics on.
    sdkMetrics = `http://127.0.0.1:${await freePort()}/metrics`;
    const runtime = installTemporalRuntime({ metricsAddress: new URL(sdkMetrics).host });
    assert.deepEqual(runtime, { installed: true, metrics: 'serving' });
    f = await setupGitOps('obs-metrics');
    const log = pino({ level: 'warn' });
    const serve = async (registry: Registry): Promise<string> => {
      const app = await createHttpServer({ log, registry, ready: () => true });
      servers.push(app);
      return `${await app.listen({ host: '127.0.0.1', port: 0 })}/metrics`;
    };
    assert.ok(f.ballast.workerRegistry);
    workerUrl = await serve(f.ballast.workerRegistry);
    const controllerRegistry = new Registry();
    createControllerMetrics(controllerRegistry, f.ballast.controller);
    controllerUrl = await serve(controllerRegistry);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await f?.close();
  });

  it('counts successful and failed reconciles per object, with Flux’s names and labels', async () => {
    const commit = await f.push({
      'good/cm.yaml': configMap('settings', 'v1'),
      'bad/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n',
    });
    await f.kustomization('good', { path: './good' });
    await f.kustomization('bad', { path: './bad' });
    await f.waitReady('good', commit);
    await f.waitFor('bad', (ks) => condition(ks, 'Ready')?.reason === 'BuildFailed');
    const ns = f.ns;
    const good = { kind: 'Kustomization', namespace: ns, name: 'good' };
    const bad = { kind: 'Kustomization', namespace: ns, name: 'bad' };

    // The sink call happens after the status write the test waited for (when the workflow task
    // that ran the status write completes): poll until both are in.
    const text = await eventually(
      async () => {
        const t = await scrape(workerUrl);
        const both =
          value(t, 'ballast_reconciles_total', { ...bad, result: 'failure' }) > 0 &&
          value(t, 'ballast_reconciles_total', { ...good, result: 'success' }) > 0;
        return both ? t : undefined;
      },
      async () =>
        (await scrape(workerUrl))
          .split('\n')
          .filter((l) => l.startsWith('ballast_reconciles'))
          .join('\n')
    );

    assert.ok(value(text, 'gotk_reconcile_duration_seconds_count', good) >= 1);
    assert.ok(value(text, 'gotk_reconcile_duration_seconds_bucket', { ...good, le: '+Inf' }) >= 1);
    assert.ok(
      value(text, 'gotk_reconcile_duration_seconds_count', { kind: 'GitRepository', namespace: ns, name: 'repo' }) >= 1
    );
    assert.ok(
      value(text, 'ballast_reconciles_total', { ...good, result: 'success', reason: 'ReconciliationSucceeded' }) >= 1
    );
    assert.equal(value(text, 'ballast_reconciles_total', { ...bad, result: 'success' }), 0);
    assert.ok(value(text, 'ballast_reconciles_total', { ...bad, result: 'failure', reason: 'BuildFailed' }) >= 1);
    const step = (name: string, result: string): number =>
      value(text, 'ballast_step_duration_seconds_count', { kind: 'Kustomization', step: name, result });
    assert.ok(step('applyKustomization', 'success') >= 1, 'good applied');
    assert.ok(step('buildKustomization', 'failure') >= 1, 'bad failed to build');
    assert.ok(value(text, 'ballast_reconcile_request_lag_seconds_count', { kind: 'Kustomization' }) >= 2);
    assert.match(text, /^process_cpu_user_seconds_total /m);
  });

  it('the Temporal server handed this worker its reconcile activities eagerly (config/temporal/dynamicconfig.yaml)', async () => {
    // Runs after the reconciles above. Counted per task queue, so other tests' workers on the same
    // server do not count; without the setting the server never counts one. Only the builds and the
    // fetch are normal activities here (the rest run locally); in local runs one of those three was
    // dispatched eagerly (why not the others is not established), so this asks for one. The
    // server's Prometheus reporter writes label values with '_' for '-'.
    const queue = f.ballast.taskQueue.replace(/[^\w]/g, '_');
    const eager = (text: string): number =>
      samples(text, 'activity_eager_execution')
        .filter((s) => s.labels.taskqueue === queue)
        .reduce((sum, s) => sum + s.value, 0);
    const text = await scrape(f.env.temporalMetricsUrl);
    assert.ok(
      eager(text) >= 1,
      `activity_eager_execution for ${f.ballast.taskQueue}: ${samples(text, 'activity_eager_execution')
        .map((s) => `${JSON.stringify(s.labels)} ${s.value}`)
        .join('; ')}`
    );
  });

  it('exports gotk_resource_info from the controller’s caches, with ready, suspended and revision', async () => {
    const text = await eventually(
      async () => {
        const t = await scrape(controllerUrl);
        const bad = samples(t, 'gotk_resource_info').find((s) => s.labels.name === 'bad');
        return bad?.labels.ready === 'False' ? t : undefined;
      },
      async () => scrape(controllerUrl)
    );
    const info = (name: string): Record<string, string> | undefined =>
      samples(text, 'gotk_resource_info').find((s) => s.labels.name === name && s.labels.exported_namespace === f.ns)
        ?.labels;
    const good = info('good');
    assert.equal(good?.customresource_kind, 'Kustomization');
    assert.equal(good?.customresource_group, 'kustomize.toolkit.fluxcd.io');
    assert.equal(good?.ready, 'True');
    assert.equal(good?.suspended, 'false');
    assert.match(good?.revision ?? '', /^main@sha1:[0-9a-f]{40}$/);
    assert.equal(good?.source_name, 'repo');
    assert.equal(info('bad')?.ready, 'False');
    const repo = info('repo');
    assert.equal(repo?.customresource_kind, 'GitRepository');
    assert.equal(repo?.revision, good?.revision);
    assert.match(repo?.url ?? '', /^http:\/\//);
  });

  it('serves the Temporal SDK metrics the dashboard reads from the worker’s runtime', async () => {
    const text = await scrape(sdkMetrics);
    const served = new Set(text.split('\n').map((l) => l.split(/[{ ]/)[0]));
    for (const name of TEMPORAL_SDK_METRICS) assert.ok(served.has(name), `${name} is served`);
  });
});

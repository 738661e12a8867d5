/**
 * A HelmRelease installed through one fault: chart 1.0.0 with a ConfigMap and a Deployment whose
 * Pods are held back until the fault is over, so `helm install --wait` is still waiting when a
 * fault aimed at the install lands. The HelmChart exists and is Ready before the HelmRelease
 * (spec.chartRef), so the first pass is the clean one the matrix describes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HelmChartKind } from '../../api/helmchart.js';
import { HelmReleaseKind } from '../../api/helmrelease.js';
import { HelmRepositoryKind } from '../../api/helmrepository.js';
import { workflowIdFor } from '../../api/workflow-ids.js';
import { CONFIG_MAP_TEMPLATE, startChartRepo, writeTestChart } from '../../tools/localenv/chart-repo.js';
import { condition, type FluxObject } from '../support/cluster.js';
import { landFault } from './injectors.js';
import type { Scenario } from './matrix.js';
import { Checks, type ScenarioOutcome } from './outcome.js';
import { fluxStatus, waitConverged } from './report-state.js';
import type { Landing } from './step-trigger.js';
import { startScenarioHarness, type FaultSuite, type ScenarioHarness } from './suite-env.js';

const VERSION = '1.0.0';

const gatedDeployment = (label: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      nodeSelector: { "${label}": "true" }
      containers:
        - name: app
          image: example.invalid/app:1
`;

/** Helm's storage: revision → status, one Secret per revision. */
async function releaseRevisions(h: ScenarioHarness): Promise<Map<number, string>> {
  const list = await h.cluster.core.listNamespacedSecret({ namespace: h.ns, labelSelector: 'owner=helm,name=app' });
  return new Map(list.items.map((s) => [Number(s.metadata?.labels?.version), s.metadata?.labels?.status ?? '']));
}

async function verify(h: ScenarioHarness, scenario: Scenario, hr: FluxObject | undefined): Promise<string[]> {
  const c = new Checks();
  c.check(condition(hr, 'Ready')?.status === 'True', `Ready=True (was ${JSON.stringify(condition(hr, 'Ready'))})`);
  c.check(hr?.status?.lastAttemptedRevision === VERSION, `lastAttemptedRevision ${VERSION}`);
  c.check(hr?.status?.observedGeneration === hr?.metadata.generation, 'observedGeneration = generation');
  c.check(condition(hr, 'Released')?.status === 'True', 'Released=True');
  const history = (hr?.status as { history?: { chartVersion: string; status: string; version: number }[] }).history;
  c.check(history?.[0]?.status === 'deployed' && history[0].chartVersion === VERSION, 'history[0] deployed 1.0.0');
  c.check((await h.cluster.get('v1', 'ConfigMap', h.ns, 'app-config')) !== undefined, 'ConfigMap app-config exists');
  c.check((await h.cluster.get('apps/v1', 'Deployment', h.ns, 'app-web')) !== undefined, 'Deployment app-web exists');
  const revisions = await releaseRevisions(h);
  const shown = JSON.stringify([...revisions].sort(([a], [b]) => a - b));
  const statuses = [...revisions.values()];
  c.check(!statuses.some((s) => s.startsWith('pending-')), `no pending-* revision (${shown})`);
  c.check(statuses.filter((s) => s === 'deployed').length === 1, `exactly one deployed revision (${shown})`);
  const latest = Math.max(...revisions.keys());
  c.check(revisions.get(latest) === 'deployed', `the latest revision is the deployed one (${shown})`);
  c.check(history?.[0]?.version === latest, `status history names revision ${latest}`);
  // A fault that interrupts helm itself may leave a failed revision that remediation replaces;
  // any other fault must not make helm install twice.
  if (scenario.at.activity !== 'helmInstall') c.check(revisions.size === 1, `exactly one revision (${shown})`);
  return c.failures;
}

export async function runHelmReleaseScenario(suite: FaultSuite, scenario: Scenario): Promise<ScenarioOutcome> {
  const started = performance.now();
  const seconds = (): number => Math.round((performance.now() - started) / 1000);
  const h = await startScenarioHarness(suite, 'fault-hr');
  const chartsDir = await mkdtemp(path.join(tmpdir(), 'ballast-fault-charts-'));
  const repo = await startChartRepo({
    charts: {
      app: await writeTestChart(path.join(chartsDir, 'app'), {
        name: 'app',
        version: VERSION,
        templates: { 'configmap.yaml': CONFIG_MAP_TEMPLATE, 'web.yaml': gatedDeployment(h.gateLabel) },
      }),
    },
  });
  let landing: Landing | undefined;
  try {
    await h.cluster.createFlux(HelmRepositoryKind, h.ns, 'charts', { url: repo.url, interval: '1h' });
    await h.cluster.createFlux(HelmChartKind, h.ns, 'app', {
      chart: 'app',
      version: VERSION,
      sourceRef: { kind: 'HelmRepository', name: 'charts' },
      interval: '1h',
    });
    await h.cluster.waitForFlux(HelmChartKind, h.ns, 'app', (o) => condition(o, 'Ready')?.status === 'True');
    await h.cluster.createFlux(HelmReleaseKind, h.ns, 'app', {
      interval: '1h',
      timeout: '4m',
      chartRef: { kind: 'HelmChart', name: 'app' },
      install: { remediation: { retries: 3 } },
      values: { data: { greeting: 'hello' } },
    });
    const workflowId = workflowIdFor({
      cluster: h.ballast.clusterName,
      kind: 'HelmRelease',
      namespace: h.ns,
      name: 'app',
    });
    landing = await landFault(suite, h, scenario, workflowId);
    const ready = (o: FluxObject): boolean =>
      condition(o, 'Ready')?.status === 'True' && o.status?.lastAttemptedRevision === VERSION;
    const hr = await waitConverged(
      h.cluster,
      h.ballast.client,
      { kind: HelmReleaseKind, ns: h.ns, name: 'app', workflowId },
      ready
    );
    const failures = await verify(h, scenario, hr);
    if (failures.length > 0) failures.push(`status: ${await fluxStatus(h.cluster, HelmReleaseKind, h.ns, 'app')}`);
    return { scenario, landing, failures, seconds: seconds() };
  } catch (err) {
    return { scenario, landing, failures: [String(err instanceof Error ? err.message : err)], seconds: seconds() };
  } finally {
    await h.close().catch(() => undefined);
    await repo.close().catch(() => undefined);
    await rm(chartsDir, { recursive: true, force: true });
  }
}

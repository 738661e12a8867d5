/**
 * A Kustomization reconciled through one fault: a ConfigMap and a Deployment whose Pods are held
 * back (node selector on a label only this scenario sets) until the fault is over, so the health
 * step is still waiting when a fault aimed at it lands.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { GitRepositoryKind } from '../../api/gitrepository.js';
import { KustomizationKind } from '../../api/kustomization.js';
import { Reason } from '../../api/reasons.js';
import { workflowIdFor } from '../../api/workflow-ids.js';
import { condition, type FluxObject } from '../support/cluster.js';
import { configMap, deployment } from '../support/gitops.js';
import { createGitFixture, startGitHttpServer } from '../support/git-http-server.js';
import { landFault } from './injectors.js';
import type { Scenario } from './matrix.js';
import { Checks, type ScenarioOutcome } from './outcome.js';
import { fluxStatus, waitConverged } from './report-state.js';
import type { Landing } from './step-trigger.js';
import { startScenarioHarness, type FaultSuite, type ScenarioHarness } from './suite-env.js';

/** An object Ballast applied, written once: one field manager, last touched when it was created. */
function writtenOnce(obj: KubernetesObject | undefined): boolean {
  const fields = obj?.metadata?.managedFields ?? [];
  const created = Date.parse(String(obj?.metadata?.creationTimestamp));
  const touched = Date.parse(String(fields[0]?.time));
  return fields.length === 1 && fields[0]?.operation === 'Apply' && Math.abs(touched - created) <= 1000;
}

async function verify(
  h: ScenarioHarness,
  scenario: Scenario,
  ks: FluxObject | undefined,
  commit: string
): Promise<string[]> {
  const c = new Checks();
  c.check(condition(ks, 'Ready')?.status === 'True', `Ready=True (was ${JSON.stringify(condition(ks, 'Ready'))})`);
  c.check(ks?.status?.lastAppliedRevision?.endsWith(commit) ?? false, `lastAppliedRevision ends with ${commit}`);
  c.check(ks?.status?.observedGeneration === ks?.metadata.generation, 'observedGeneration = generation');
  c.check(condition(ks, 'Healthy')?.status === 'True', 'Healthy=True');
  c.check(!condition(ks, 'Reconciling') && !condition(ks, 'Stalled'), 'no Reconciling/Stalled condition left');
  const ids = (ks?.status?.inventory?.entries ?? []).map((e) => e.id).sort();
  c.check(
    ids.length === 2 &&
      ids[0]?.endsWith('_settings__ConfigMap') === true &&
      ids[1]?.endsWith('_web_apps_Deployment') === true,
    `inventory holds exactly the ConfigMap and the Deployment (was ${ids.join(', ')})`
  );
  const cm = await h.cluster.get('v1', 'ConfigMap', h.ns, 'settings');
  const web = await h.cluster.get('apps/v1', 'Deployment', h.ns, 'web');
  c.check(cm !== undefined, 'ConfigMap settings exists');
  c.check(web !== undefined, 'Deployment web exists');
  c.check(writtenOnce(cm), `ConfigMap written once (managedFields ${JSON.stringify(cm?.metadata?.managedFields)})`);
  c.check(web?.metadata?.generation === 1, 'Deployment spec written once (generation 1)');
  const history = ks?.status?.history ?? [];
  c.check(history[0]?.lastReconciledStatus === Reason.ReconciliationSucceeded, 'history[0] succeeded');
  // An apiserver outage may legitimately fail a pass that a retry then completes; the other faults
  // interrupt one pass that must be counted once, however often its activities ran.
  if (scenario.fault !== 'apiserver-outage')
    c.check(
      history.length === 1 && history[0]?.totalReconciliations === 1,
      `one reconciliation recorded (history ${JSON.stringify(history.map((e) => [e.lastReconciledStatus, e.totalReconciliations]))})`
    );
  return c.failures;
}

export async function runKustomizationScenario(suite: FaultSuite, scenario: Scenario): Promise<ScenarioOutcome> {
  const started = performance.now();
  const h = await startScenarioHarness(suite, 'fault-ks');
  const repo = await createGitFixture();
  const server = await startGitHttpServer({ projectRoot: repo.projectRoot });
  const seconds = (): number => Math.round((performance.now() - started) / 1000);
  let landing: Landing | undefined;
  try {
    const commit = await repo.commit({
      'cm.yaml': configMap('settings', 'x'),
      'web.yaml': deployment('web', { schedulable: false, nodeLabel: h.gateLabel }),
    });
    await repo.pushAll();
    await h.cluster.createGitRepository(h.ns, 'repo', {
      url: `${server.url}/${repo.repoName}`,
      interval: '1h',
      ref: { branch: 'main' },
    });
    // The source is Ready first, so the Kustomization's first pass is the clean one the matrix describes.
    await h.cluster.waitForFlux(GitRepositoryKind, h.ns, 'repo', (o) => condition(o, 'Ready')?.status === 'True');
    await h.cluster.createKustomization(h.ns, 'app', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      interval: '1h',
      prune: true,
      wait: true,
      timeout: '4m',
      targetNamespace: h.ns,
    });
    const workflowId = workflowIdFor({
      cluster: h.ballast.clusterName,
      kind: 'Kustomization',
      namespace: h.ns,
      name: 'app',
    });
    landing = await landFault(suite, h, scenario, workflowId);
    const ready = (o: FluxObject): boolean =>
      condition(o, 'Ready')?.status === 'True' && (o.status?.lastAppliedRevision?.endsWith(commit) ?? false);
    const ks = await waitConverged(
      h.cluster,
      h.ballast.client,
      { kind: KustomizationKind, ns: h.ns, name: 'app', workflowId },
      ready
    );
    const failures = await verify(h, scenario, ks, commit);
    if (failures.length > 0) failures.push(`status: ${await fluxStatus(h.cluster, KustomizationKind, h.ns, 'app')}`);
    return { scenario, landing, failures, seconds: seconds() };
  } catch (err) {
    return { scenario, landing, failures: [String(err instanceof Error ? err.message : err)], seconds: seconds() };
  } finally {
    await h.close().catch(() => undefined);
    await server.close().catch(() => undefined);
    await repo.cleanup().catch(() => undefined);
  }
}

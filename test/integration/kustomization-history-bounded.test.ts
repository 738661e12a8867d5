import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { workflowIdFor } from '../../api/workflow-ids.js';
import { Controller } from '../../workers/controller/controller.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../support/gitops.js';
import { DECODED_PAYLOAD, historyText } from '../support/history.js';

/** Per reconcile: ~7 activities × 3 events + workflow tasks + signals. Stated bound, asserted below. */
const MAX_EVENTS_PER_RECONCILE = 60;
const MARKER = 'manifest-text-must-not-enter-history';

describe('Kustomization: workflow history over ten revisions', () => {
  let f: GitOpsFixture;
  let second: Controller;
  before(async () => {
    f = await setupGitOps('ks-history');
    // A second controller replica on the same task queue: its signals must cause no extra work.
    second = new Controller({
      kubeConfig: f.ballast.kc,
      temporal: f.ballast.client,
      taskQueue: f.ballast.taskQueue,
      clusterName: f.ballast.clusterName,
      log: pino({ level: 'warn' }),
      namespace: f.ns,
    });
    await second.start();
  });
  after(async () => {
    await second?.stop();
    await f?.close();
  });

  it(`stays under ${MAX_EVENTS_PER_RECONCILE} events per reconcile and holds no manifest text`, async (t) => {
    let rev = await f.push({ 'cm.yaml': configMap('c', `${MARKER}-0`) });
    await f.kustomization('app', {});
    await f.waitReady('app', rev);
    for (let i = 1; i < 10; i++) {
      rev = await f.push({ 'cm.yaml': configMap('c', `${MARKER}-${i}`) });
      await f.waitReady('app', rev);
    }
    const id = workflowIdFor({ cluster: f.ballast.clusterName, kind: 'Kustomization', namespace: f.ns, name: 'app' });
    const history = await f.ballast.client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    const builds = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'buildKustomization'
    ).length;
    const text = historyText(history);
    t.diagnostic(`${events.length} events, ${builds} reconciles, ${Math.round(text.length / 1024)} KiB of history`);
    assert.match(text, DECODED_PAYLOAD, 'payloads were decoded, so the search below can find content');
    assert.ok(!text.includes(MARKER), 'manifest content found in workflow history');
    assert.equal(builds, 10, `one build per revision despite two controllers (got ${builds})`);
    assert.ok(events.length <= builds * MAX_EVENTS_PER_RECONCILE, `${events.length} events for ${builds} reconciles`);
    const sourceHistory = await f.ballast.client.workflow
      .getHandle(id.replace('/Kustomization/', '/GitRepository/').replace(/\/app$/, '/repo'))
      .fetchHistory();
    assert.ok(!historyText(sourceHistory).includes(MARKER), 'manifest content found in the source workflow history');
  });
});

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { progressQuery } from '../../../api/messages.js';
import { workflowIdFor } from '../../../api/workflow-ids.js';
import { launchChromium, TEST_ARTIFACTS } from '../../support/browser.js';
import { condition, eventually } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

/** The first failed activity of a workflow's history: its type and failure message. */
async function failedStep(f: GitOpsFixture, workflowId: string): Promise<{ type: string; message: string }> {
  const history = await f.ballast.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, string>();
  for (const e of history.events ?? []) {
    const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) scheduled.set(String(e.eventId), type);
    const failed = e.activityTaskFailedEventAttributes;
    if (failed)
      return {
        type: scheduled.get(String(failed.scheduledEventId)) ?? '?',
        message: failed.failure?.message ?? '',
      };
  }
  throw new Error(`no failed activity in ${workflowId}`);
}

describe('the Temporal UI shows a failing reconcile, found by its search attributes', () => {
  let f: GitOpsFixture;
  let browser: Browser;
  before(async () => {
    f = await setupGitOps('ui');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await f?.close();
  });

  it('filters by BallastKind and BallastReady, opens the workflow and shows the failed step', async () => {
    await f.push({ 'cm.yaml': configMap('settings', 'x') });
    await f.kustomization('broken', { path: './no-such-directory' });
    const failed = await f.waitFor(
      'broken',
      (ks) =>
        condition(ks, 'Ready')?.status === 'False' && /no-such-directory/.test(condition(ks, 'Ready')?.message ?? ''),
      90_000
    );
    const workflowId = workflowIdFor({
      cluster: f.ballast.clusterName,
      kind: 'Kustomization',
      namespace: f.ns,
      name: 'broken',
    });
    const progress = await f.ballast.client.workflow.getHandle(workflowId).query(progressQuery);
    assert.equal(progress.last?.ready, false, 'the progress query reports the failed reconcile');
    const step = await failedStep(f, workflowId);
    assert.match(
      step.message,
      /no-such-directory/,
      `the failed step carries the status message: ${condition(failed, 'Ready')?.message}`
    );

    const ui = f.env.temporalUiUrl;
    const query = `BallastKind="Kustomization" AND BallastReady=false AND BallastCluster="${f.ballast.clusterName}"`;
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // Search attributes reach the visibility store a moment after the upsert.
    await eventually(
      async () => {
        await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
        // The list renders after the page's own API calls; give each load a few seconds.
        return page
          .getByText(workflowId)
          .first()
          .waitFor({ timeout: 5_000 })
          .then(() => true)
          .catch(() => undefined);
      },
      async () => {
        await mkdir(TEST_ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(TEST_ARTIFACTS, 'temporal-ui-list-failed.png') });
        return `workflow ${workflowId} not listed for ${query}: ${(await page.innerText('body')).slice(0, 800)}`;
      },
      60_000
    );
    await page.getByText(workflowId).first().click();
    await page.waitForURL(/\/workflows\/.+/);
    await page.getByText(step.type).first().waitFor({ timeout: 30_000 });
    // Clicking the red step in the timeline opens its events, failure message included.
    await page.getByText(step.type).first().click();
    await page
      .getByText(/no-such-directory/)
      .first()
      .waitFor({ timeout: 15_000 });
    await mkdir(TEST_ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(TEST_ARTIFACTS, 'temporal-ui-failing-kustomization.png'), fullPage: true });
    const body = (await page.textContent('body')) ?? '';
    assert.ok(body.includes(step.type), `the failed step ${step.type} is shown`);
  });
});

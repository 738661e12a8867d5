import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { condition } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

const widget = (apiVersion: string): string =>
  `apiVersion: ${apiVersion}\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n`;

describe('hostile input: a manifest of a kind the cluster does not serve', () => {
  let f: GitOpsFixture;
  before(async () => (f = await setupGitOps('hostile-kind')));
  after(async () => f?.close());

  for (const [label, apiVersion] of [
    ['an unknown API group', 'widgets.example.com/v1'],
    ['an unknown kind of a served group', 'apps/v1'],
  ] as const) {
    it(`fails validation naming the kind and apiVersion (${label}), applying nothing`, async () => {
      const sha = await f.push({ 'cm.yaml': configMap('settings', apiVersion), 'widget.yaml': widget(apiVersion) });
      const name = `app-${label.length}`;
      await f.kustomization(name, {});
      const failed = await f.waitFor(
        name,
        (ks) => condition(ks, 'Ready')?.status === 'False' && (ks.status?.lastAttemptedRevision?.endsWith(sha) ?? false)
      );
      const ready = condition(failed, 'Ready');
      assert.equal(ready?.reason, 'ReconciliationFailed');
      assert.ok(
        (ready?.message ?? '').includes(`kind Widget of apiVersion ${apiVersion} is not served by the cluster`),
        ready?.message
      );
      assert.match(ready?.message ?? '', /install its CustomResourceDefinition/);
      assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'settings'), undefined, 'nothing applied');
    });
  }
});

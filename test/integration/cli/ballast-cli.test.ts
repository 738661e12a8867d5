/**
 * The `ballast` command line end to end: the bin shim is spawned as a child process from another
 * directory against the real local environment, and its output (tables and JSON) and exit codes
 * are asserted.
 */
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { KustomizationKind } from '../../../api/kustomization.js';
import { condition } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';

const BIN = fileURLToPath(new URL('../../../client/cli/ballast.js', import.meta.url));

interface Run {
  code: number | null;
  out: string;
  err: string;
}

describe('ballast CLI', () => {
  let f: GitOpsFixture;
  let first: string;

  /** Runs the CLI as a person would: its own process, from a directory outside the repository. */
  const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: tmpdir(),
        env: {
          ...process.env,
          KUBECONFIG: f.env.kubeconfigPath,
          TEMPORAL_ADDRESS: f.env.temporalAddress,
          TEMPORAL_NAMESPACE: f.env.temporalNamespace,
          BALLAST_CLUSTER_NAME: f.ballast.clusterName,
          BALLAST_TASK_QUEUE: f.ballast.taskQueue,
          USER: 'alice',
          NO_COLOR: '1',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out, err }));
    });
  const ok = (r: Run): Run => (assert.equal(r.code, 0, `exit ${r.code}\n${r.out}\n${r.err}`), r);
  const json = <T>(r: Run): T => JSON.parse(r.out) as T;

  before(async () => {
    f = await setupGitOps('cli');
    first = await f.push({ 'app/a.yaml': configMap('a', 'one'), 'app/b.yaml': configMap('b', 'one') });
    await f.kustomization('app', { path: './app' });
    await f.waitReady('app', first);
  });
  after(async () => f?.close());

  it('get: a table for people, JSON for scripts', async () => {
    const table = ok(await cli(['get', 'kustomizations', '-n', f.ns])).out;
    assert.match(table, /^NAME\s+READY\s+REVISION\s+SUSPENDED\s+AGE\s+MESSAGE\n/);
    assert.match(table, new RegExp(`\\napp\\s+True\\s+main@sha1:${first}\\s+False\\s+\\d+[smhd]\\s+Applied revision`));
    const all = json<{ kind: string; name: string; ready: string }[]>(
      ok(await cli(['get', 'all', '-n', f.ns, '-o', 'json']))
    );
    assert.deepEqual(
      all.map((r) => [r.kind, r.name, r.ready]),
      [
        ['GitRepository', 'repo', 'True'],
        ['Kustomization', 'app', 'True'],
      ]
    );
    const missing = await cli(['get', 'ks', 'nope', '-n', f.ns]);
    assert.equal(missing.code, 3);
    assert.match(missing.err, new RegExp(`Kustomization ${f.ns}/nope not found`));
  });

  it('reconcile: waits for its own reconcile and shows the steps; --with-source does the source first', async () => {
    const r = ok(await cli(['reconcile', 'ks', 'app', '-n', f.ns]));
    // The build is the one already applied, so its dry-run validation is skipped (apply still runs).
    assert.match(r.out, /steps: load → build → apply → prune\n/);
    assert.match(
      r.out,
      new RegExp(`✔ Kustomization ${f.ns}/app reconciled in .*: Applied revision: main@sha1:${first}`)
    );
    const both = json<{ object: { kind: string }; result: { ready: boolean; steps: string[] } }[]>(
      ok(await cli(['reconcile', 'kustomization', 'app', '-n', f.ns, '--with-source', '-o', 'json']))
    );
    assert.deepEqual(
      both.map((b) => [b.object.kind, b.result.ready]),
      [
        ['GitRepository', true],
        ['Kustomization', true],
      ]
    );
    assert.ok(both[0]?.result.steps.includes('fetch'));
  });

  it('reconcile: a failing reconcile exits 1 with its message', async () => {
    await f.kustomization('broken', { path: './nope' });
    await f.waitFor('broken', (ks) => condition(ks, 'Ready')?.status === 'False');
    const r = await cli(['reconcile', 'ks', 'broken', '-n', f.ns]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(
      r.out,
      new RegExp(`✖ Kustomization ${f.ns}/broken failed after .*: ArtifactFailed: .*nope.* not found`)
    );
    const asJson = await cli(['reconcile', 'ks', 'broken', '-n', f.ns, '-o', 'json']);
    assert.equal(asJson.code, 1);
    assert.equal(json<{ result: { ready: boolean; reason: string } }[]>(asJson)[0]?.result.reason, 'ArtifactFailed');
  });

  it('tree: the inventory grouped by kind and namespace', async () => {
    const r = ok(await cli(['tree', 'ks', 'app', '-n', f.ns]));
    assert.equal(r.out, `Kustomization ${f.ns}/app\n└── ConfigMap (${f.ns})\n    ├── a\n    └── b\n`);
    const data = json<{ objects: { kind: string; name: string }[] }>(
      ok(await cli(['tree', 'ks', 'app', '-n', f.ns, '-o', 'json']))
    );
    assert.deepEqual(data.objects.map((o) => o.name).sort(), ['a', 'b']);
  });

  it('history: past reconciles from the workflow, with objects changed, and the status snapshots', async () => {
    const data = json<{
      reconciles: { result: string; revision: string; objectsChanged?: number; finishedAt?: string }[];
      snapshots: { revision: string; status: string }[];
    }>(ok(await cli(['history', 'ks', 'app', '-n', f.ns, '-o', 'json'])));
    assert.ok(data.reconciles.length >= 2, JSON.stringify(data.reconciles));
    assert.equal(data.reconciles[0]?.result, 'Succeeded');
    assert.ok(data.reconciles[0]?.finishedAt);
    // The very first pass may have run before the source had an artifact; every success applied `first`.
    const succeeded = data.reconciles.filter((r) => r.result === 'Succeeded');
    assert.ok(succeeded.every((r) => r.revision === `main@sha1:${first}`));
    assert.ok(
      succeeded.some((r) => r.objectsChanged === 2),
      'the first apply created a and b'
    );
    assert.equal(data.snapshots[0]?.revision, `main@sha1:${first}`);
    assert.equal(data.snapshots[0]?.status, 'ReconciliationSucceeded');
    const table = ok(await cli(['history', 'ks', 'app', '-n', f.ns])).out;
    assert.match(table, /Recent reconciles.*\nFINISHED\s+RESULT\s+REASON\s+REVISION\s+DURATION\s+CHANGED\s+MESSAGE\n/);
    assert.match(table, /Snapshots \(status\.history\)\nREVISION\s+STATUS\s+LAST\s+DURATION\s+RECONCILES\n/);
  });

  it('diff --ref: previews another branch by server-side dry-run, changing nothing', async () => {
    await f.repo.git('checkout', '--quiet', '-b', 'feature');
    await f.repo.commit({ 'app/a.yaml': configMap('a', 'two'), 'app/c.yaml': configMap('c', 'new') });
    await f.repo.git('rm', '--quiet', 'app/b.yaml');
    await f.repo.commit({}, 'drop b');
    await f.repo.pushAll();
    await f.repo.git('checkout', '--quiet', 'main');
    const r = ok(await cli(['diff', 'ks', 'app', '-n', f.ns, '--ref', 'feature']));
    assert.match(
      r.out,
      new RegExp(
        `^Kustomization ${f.ns}/app at feature@sha1:[0-9a-f]{40}: 1 to create, 1 to configure, 1 to delete, 0 unchanged\n`
      )
    );
    assert.match(r.out, new RegExp(`~ ConfigMap/${f.ns}/a\n    data\\.value: "one" → "two"\n`));
    assert.match(r.out, new RegExp(`\\+ ConfigMap/${f.ns}/c\n`));
    assert.match(r.out, new RegExp(`- ConfigMap/${f.ns}/b\n`));
    const live = (await f.cluster.get('v1', 'ConfigMap', f.ns, 'a')) as { data?: { value?: string } } | undefined;
    assert.equal(live?.data?.value, 'one', 'a preview applies nothing');
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'c'), undefined);
  });

  it('diff: without --ref, shows drift of the cluster from the current revision', async () => {
    await f.cluster.core.patchNamespacedConfigMap({
      name: 'a',
      namespace: f.ns,
      body: [{ op: 'replace', path: '/data/value', value: 'drifted' }],
    });
    const data = json<{
      counts: Record<string, number>;
      objects: { object: string; changes?: { path: string; from?: string; to?: string }[] }[];
    }>(ok(await cli(['diff', 'ks', 'app', '-n', f.ns, '-o', 'json'])));
    assert.deepEqual(data.counts, { created: 0, configured: 1, unchanged: 1, deleted: 0, refused: 0 });
    const a = data.objects.find((o) => o.object === `ConfigMap/${f.ns}/a`);
    assert.deepEqual(a?.changes, [{ path: 'data.value', from: '"drifted"', to: '"one"' }]);
  });

  it('events: the Events of the object', async () => {
    const ks = await f.get('app');
    await f.cluster.core.createNamespacedEvent({
      namespace: f.ns,
      body: {
        metadata: { generateName: 'app.', namespace: f.ns },
        involvedObject: {
          apiVersion: KustomizationKind.apiVersion,
          kind: 'Kustomization',
          name: 'app',
          namespace: f.ns,
          uid: (ks?.metadata as { uid?: string } | undefined)?.uid,
        },
        type: 'Normal',
        reason: 'ReconciliationSucceeded',
        message: 'Reconciliation finished, next run in 1h',
        lastTimestamp: new Date(),
        firstTimestamp: new Date(),
        count: 1,
        source: { component: 'ballast-test' },
      },
    });
    const r = ok(await cli(['events', 'ks', 'app', '-n', f.ns]));
    assert.match(r.out, /^LAST SEEN\s+TYPE\s+REASON\s+COUNT\s+MESSAGE\n/);
    assert.match(r.out, /Normal\s+ReconciliationSucceeded\s+\d+\s+Reconciliation finished, next run in 1h/);
    const rows = json<{ reason: string; source: string }[]>(
      ok(await cli(['events', 'ks', 'app', '-n', f.ns, '-o', 'json']))
    );
    assert.ok(rows.some((e) => e.reason === 'ReconciliationSucceeded' && e.source === 'ballast-test'));
  });

  it('suspend --reason: get shows who and why; reconcile refuses; resume clears it and reconciles', async () => {
    const s = ok(await cli(['suspend', 'ks', 'app', '-n', f.ns, '--reason', 'db migration']));
    assert.match(s.out, new RegExp(`Kustomization ${f.ns}/app suspended by alice.*: db migration\n`));
    const [row] = json<{ suspended: boolean; suspendedBy: string; suspendReason: string; suspendedAt: string }[]>(
      ok(await cli(['get', 'ks', 'app', '-n', f.ns, '-o', 'json']))
    );
    assert.equal(row?.suspended, true);
    assert.match(row?.suspendedBy ?? '', /^alice/);
    assert.equal(row?.suspendReason, 'db migration');
    assert.ok(row?.suspendedAt);
    assert.match(ok(await cli(['get', 'ks', '-n', f.ns])).out, /\napp\s+.*True by alice.*: db migration/);
    const refused = await cli(['reconcile', 'ks', 'app', '-n', f.ns]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /is suspended by alice.*; resume it first: ballast resume kustomization app/);

    const resumed = ok(await cli(['resume', 'ks', 'app', '-n', f.ns]));
    assert.match(resumed.out, new RegExp(`✔ Kustomization ${f.ns}/app reconciled`));
    const ks = await f.get('app');
    assert.equal((ks as { spec?: { suspend?: boolean } }).spec?.suspend, false);
    assert.deepEqual(
      Object.keys(ks?.metadata.annotations ?? {}).filter((k) => k.startsWith('ballast.dev/')),
      []
    );
  });

  it('exit 3 when Temporal cannot be reached, and history still shows the status', async () => {
    const down = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const r = await cli(['reconcile', 'ks', 'app', '-n', f.ns], down);
    assert.equal(r.code, 3, r.out + r.err);
    assert.match(r.err, /cannot reach Temporal at 127\.0\.0\.1:1/);
    const h = ok(await cli(['history', 'ks', 'app', '-n', f.ns, '-o', 'json'], down));
    assert.match(h.err, /reconcile history is not available/);
    assert.ok(json<{ snapshots: unknown[] }>(h).snapshots.length > 0);
  });
});

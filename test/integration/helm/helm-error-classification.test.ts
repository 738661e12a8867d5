import { CoreV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Reason } from '../../../api/reasons.js';
import { createHelm, HelmError, type Helm, type HelmErrorKind } from '../../../activities/helm/helm.js';
import { loadKubeConfig } from '../../../activities/kube/client.js';
import { writeTestChart } from '../../../tools/localenv/chart-repo.js';
import { toolPath } from '../../../tools/toolchain/build.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';
import { createReadyNamespace } from '../../support/namespace.js';

/** Asserts that `promise` rejects with a HelmError of `kind` and returns it for further checks. */
async function rejectsWith(promise: Promise<unknown>, kind: HelmErrorKind): Promise<HelmError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof HelmError, `expected a HelmError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  return caught;
}

describe('helm failures become classified, scrubbed HelmErrors', () => {
  let env: TestEnv;
  let core: CoreV1Api;
  let helm: Helm;
  let work: string;
  let argvLog: string;

  before(async () => {
    env = await useLocalEnv();
    core = loadKubeConfig({ kubeconfigPath: env.kubeconfigPath }).makeApiClient(CoreV1Api);
    work = await mkdtemp(path.join(tmpdir(), 'helm-errors-'));
    // The real helm behind a shim that records its argv, to prove values never reach the command line.
    argvLog = path.join(work, 'argv.log');
    const shim = path.join(work, 'helm');
    await writeFile(shim, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${argvLog}'\nexec '${toolPath('helm')}' "$@"\n`);
    await chmod(shim, 0o755);
    helm = createHelm({ binary: shim, kubeconfigPath: env.kubeconfigPath });
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
    await env?.release();
  });

  async function namespace(): Promise<string> {
    const name = uniqueName('helm-err');
    await createReadyNamespace(core, name);
    return name;
  }

  async function chart(name: string, templates?: Record<string, string>): Promise<string> {
    return writeTestChart(path.join(work, uniqueName(name)), { name, version: '0.1.0', templates });
  }

  const base = { releaseName: 'app', timeoutMs: 20_000, wait: false } as const;

  it('a template error is permanent kind render, naming the template and line', async () => {
    const ns = await namespace();
    const bad = await chart('bad', {
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ .Values.nope.deeper }}\n',
    });
    const err = await rejectsWith(helm.install({ ...base, namespace: ns, chart: bad }), 'render');
    assert.equal(err.permanent, true);
    assert.equal(err.action, 'install');
    assert.equal(err.reason, Reason.Failed);
    assert.match(err.message, /^helm install of release "helm-err-[0-9a-f]+\/app" failed: /);
    assert.match(err.message, /bad\/templates\/cm\.yaml:4:.*nil pointer evaluating interface \{\}\.deeper/);
    assert.equal(await helm.status({ releaseName: 'app', namespace: ns }), undefined, 'nothing was stored');
  });

  it('template shares the classification', async () => {
    const bad = await chart('unclosed', { 'cm.yaml': 'a: {{ .Values.x \n' });
    const err = await rejectsWith(helm.template({ releaseName: 'x', namespace: 'default', chart: bad }), 'render');
    assert.match(err.message, /unclosed action/);
  });

  it('a values schema violation is kind render', async () => {
    const dir = await chart('schema');
    await writeFile(
      path.join(dir, 'values.schema.json'),
      JSON.stringify({ type: 'object', properties: { replicas: { type: 'integer' } } })
    );
    const err = await rejectsWith(
      helm.template({ releaseName: 'x', namespace: 'default', chart: dir, values: { replicas: 'two' } }),
      'render'
    );
    assert.match(err.message, /\/replicas.*want integer/);
  });

  it('a missing chart is permanent kind not-found with reason ArtifactFailed', async () => {
    const missing = path.join(work, 'no-such-chart-1.0.0.tgz');
    const err = await rejectsWith(helm.install({ ...base, namespace: 'default', chart: missing }), 'not-found');
    assert.equal(err.permanent, true);
    assert.equal(err.reason, Reason.ArtifactFailed);
    assert.match(err.message, /no-such-chart-1\.0\.0\.tgz" not found/);
  });

  it('a chart without a version is kind invalid-chart', async () => {
    const dir = await chart('noversion');
    await writeFile(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: noversion\n');
    const err = await rejectsWith(helm.install({ ...base, namespace: 'default', chart: dir }), 'invalid-chart');
    assert.equal(err.reason, Reason.ArtifactFailed);
    assert.match(err.message, /chart\.metadata\.version is required/);
  });

  it('an object the apiserver rejects is kind validation, and the failed release stays recorded', async () => {
    const ns = await namespace();
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: "nope"\n';
    const err = await rejectsWith(
      helm.install({ ...base, namespace: ns, chart: await chart('pod', { 'p.yaml': pod }) }),
      'validation'
    );
    assert.equal(err.permanent, true);
    assert.equal((await helm.status({ releaseName: 'app', namespace: ns }))?.status, 'failed');
    const crd = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n';
    const unknown = await chart('widget', { 'w.yaml': crd });
    const kindErr = await rejectsWith(
      helm.install({ ...base, releaseName: 'w', namespace: ns, chart: unknown }),
      'validation'
    );
    assert.match(kindErr.message, /no matches for kind "Widget"/);
  });

  it('a name in use and an object owned by another release are kind conflict', async () => {
    const ns = await namespace();
    const dir = await chart('owned');
    await helm.install({ ...base, namespace: ns, chart: dir });
    const again = await rejectsWith(helm.install({ ...base, namespace: ns, chart: dir }), 'conflict');
    assert.match(again.message, /cannot reuse a name that is still in use/);
    // Release "other" renders the same ConfigMap name `app-config` as release "app".
    const same = await chart('same', { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n' });
    const owned = await rejectsWith(
      helm.install({ ...base, releaseName: 'other', namespace: ns, chart: same }),
      'conflict'
    );
    assert.match(owned.message, /invalid ownership metadata/);
  });

  it('upgrade, rollback and values of an absent release are kind not-found', async () => {
    const ns = await namespace();
    const dir = await chart('absent');
    await rejectsWith(helm.upgrade({ ...base, namespace: ns, chart: dir, maxHistory: 5 }), 'not-found');
    const rb = await rejectsWith(helm.rollback({ ...base, namespace: ns }), 'not-found');
    assert.equal(rb.reason, Reason.RollbackFailed);
    await rejectsWith(helm.getValues({ releaseName: 'app', namespace: ns }), 'not-found');
    await rejectsWith(helm.uninstall({ ...base, namespace: ns }), 'not-found');
  });

  it('a wait that outlives the timeout is retryable kind timeout, and the release is recorded failed', async () => {
    const ns = await namespace();
    // No provisioner binds the claim, so kstatus never sees it Current.
    const pvc = await chart('pvc', { 'pvc.yaml': PVC });
    const err = await rejectsWith(
      helm.install({ ...base, namespace: ns, chart: pvc, wait: true, timeoutMs: 1_500 }),
      'timeout'
    );
    assert.equal(err.permanent, false);
    assert.match(err.message, /PersistentVolumeClaim\/.*not ready.*context deadline exceeded/s);
    assert.equal((await helm.status({ releaseName: 'app', namespace: ns }))?.status, 'failed');
  });

  it('an unreachable apiserver is retryable kind unreachable; an unknown context is permanent kind kubeconfig', async () => {
    const kubeconfig = (await readFile(env.kubeconfigPath, 'utf8')).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:1');
    const badPath = path.join(work, 'unreachable.kubeconfig');
    await writeFile(badPath, kubeconfig);
    const offline = createHelm({ binary: toolPath('helm'), kubeconfigPath: badPath });
    const err = await rejectsWith(offline.status({ releaseName: 'app', namespace: 'default' }), 'unreachable');
    assert.equal(err.permanent, false);
    const wrongContext = createHelm({
      binary: toolPath('helm'),
      kubeconfigPath: env.kubeconfigPath,
      kubeContext: 'nope',
    });
    const ctxErr = await rejectsWith(wrongContext.history({ releaseName: 'app', namespace: 'default' }), 'kubeconfig');
    assert.equal(ctxErr.permanent, true);
  });

  it('an impersonated user without RBAC is permanent kind forbidden', async () => {
    const ns = await namespace();
    const asBob = createHelm({
      binary: toolPath('helm'),
      kubeconfigPath: env.kubeconfigPath,
      impersonate: { user: 'bob', groups: ['team-a'] },
    });
    const err = await rejectsWith(asBob.install({ ...base, namespace: ns, chart: await chart('rbac') }), 'forbidden');
    assert.match(err.message, /User "bob" cannot/);
  });

  it('an invalid release name is refused before helm runs', async () => {
    const err = await rejectsWith(
      helm.status({ releaseName: '--kubeconfig=/etc/x', namespace: 'default' }),
      'validation'
    );
    assert.match(err.message, /invalid release name/);
  });

  it('values never reach argv or any error message, even when the chart prints them', async () => {
    const ns = await namespace();
    const token = 'sk-live-4f9a8b7c6d5e';
    const password = 'hunter2';
    const leaky = await chart('leaky', {
      'cm.yaml': '{{ fail (printf "bad credentials %s / %s" .Values.auth.token .Values.db.password) }}\n',
    });
    const values = { auth: { token }, db: { password } };
    const errors = [
      await rejectsWith(helm.install({ ...base, namespace: ns, chart: leaky, values }), 'render'),
      await rejectsWith(helm.template({ releaseName: 'x', namespace: ns, chart: leaky, values }), 'render'),
    ];
    // An apiserver rejection quotes the offending value back.
    const invalid = await chart('invalid', {
      'p.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: {{ .Values.auth.token | quote }}\n',
    });
    errors.push(
      await rejectsWith(
        helm.install({ ...base, releaseName: 'inv', namespace: ns, chart: invalid, values }),
        'validation'
      )
    );
    for (const err of errors) {
      assert.match(err.message, /\*\*\*/, 'the secret was masked, not dropped silently');
      assert.ok(!err.message.includes(token), err.message);
      assert.ok(!err.message.includes(password), err.message);
    }
    const argv = await readFile(argvLog, 'utf8');
    assert.ok(!argv.includes(token) && !argv.includes(password), 'values are passed as a file');
    assert.match(argv, /^-f\n\/.*\/values\.json$/m);
  });
});

const PVC = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ .Release.Name }}-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`;

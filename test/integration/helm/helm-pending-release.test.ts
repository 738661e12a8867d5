import { CoreV1Api } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isolatedHelmEnv } from '../../../activities/helm/helm-cli.js';
import { createHelm, HelmError, pendingRelease, type Helm } from '../../../activities/helm/helm.js';
import { loadKubeConfig } from '../../../activities/kube/client.js';
import { writeTestChart } from '../../../tools/localenv/chart-repo.js';
import { toolPath } from '../../../tools/toolchain/build.js';
import { eventually } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';
import { createReadyNamespace } from '../../support/namespace.js';

/** A claim no provisioner binds: a `watcher` wait on it lasts until the timeout. */
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

describe('a release locked by an operation in progress, cancelled or crashed', () => {
  let env: TestEnv;
  let core: CoreV1Api;
  let helm: Helm;
  let work: string;
  let slow: string;
  let quick: string;

  before(async () => {
    env = await useLocalEnv();
    core = loadKubeConfig({ kubeconfigPath: env.kubeconfigPath }).makeApiClient(CoreV1Api);
    helm = createHelm({ binary: toolPath('helm'), kubeconfigPath: env.kubeconfigPath });
    work = await mkdtemp(path.join(tmpdir(), 'helm-pending-'));
    slow = await writeTestChart(path.join(work, 'slow'), {
      name: 'slow',
      version: '0.1.0',
      templates: { 'pvc.yaml': PVC },
    });
    quick = await writeTestChart(path.join(work, 'quick'), { name: 'quick', version: '0.1.0' });
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
    await env?.release();
  });

  async function namespace(): Promise<string> {
    const name = uniqueName('helm-lock');
    await createReadyNamespace(core, name);
    return name;
  }

  const waitForPending = (ref: { releaseName: string; namespace: string }): Promise<unknown> =>
    eventually(
      async () => ((await helm.history(ref)).some((h) => pendingRelease(h)) ? true : undefined),
      async () => JSON.stringify(await helm.history(ref)),
      20_000
    );

  it('while an install waits: pendingRelease is true and an upgrade is kind locked; cancelling leaves it failed', async () => {
    const ref = { releaseName: 'app', namespace: await namespace() };
    const controller = new AbortController();
    const install = helm.install({ ...ref, chart: slow, timeoutMs: 60_000, wait: true, signal: controller.signal });
    await waitForPending(ref);
    assert.equal(pendingRelease(await helm.status(ref)), true);
    const locked = await helm.upgrade({ ...ref, chart: slow, timeoutMs: 10_000, wait: false, maxHistory: 5 }).then(
      () => assert.fail('the upgrade should be refused'),
      (err: unknown) => err
    );
    assert.ok(locked instanceof HelmError && locked.kind === 'locked', String(locked));
    assert.equal(locked.permanent, true, 'repeating the call cannot unlock the release');

    const reason = new Error('activity cancelled');
    controller.abort(reason);
    await assert.rejects(install, (err: unknown) => err === reason);
    // SIGTERM lets helm cancel its context and record the revision as failed, not leave it pending.
    const after = await helm.status(ref);
    assert.equal(after?.status, 'failed');
    assert.equal(pendingRelease(after), false);
  });

  it('after a crash mid-install (SIGKILL) the release stays pending-install; uninstall recovers it', async () => {
    const ref = { releaseName: 'app', namespace: await namespace() };
    const home = await mkdtemp(path.join(tmpdir(), 'helm-crash-'));
    const child = spawn(
      toolPath('helm'),
      [
        'install',
        ref.releaseName,
        slow,
        '-n',
        ref.namespace,
        '--wait=watcher',
        '--timeout=60s',
        '--kubeconfig',
        env.kubeconfigPath,
      ],
      { env: isolatedHelmEnv(home), stdio: 'ignore' }
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitForPending(ref);
    } finally {
      child.kill('SIGKILL');
      await exited;
      await rm(home, { recursive: true, force: true });
    }
    const stuck = await helm.status(ref);
    assert.equal(stuck?.status, 'pending-install');
    assert.equal(pendingRelease(stuck), true);
    await assert.rejects(
      helm.install({ ...ref, chart: quick, timeoutMs: 10_000, wait: false }),
      (err: unknown) => err instanceof HelmError && err.kind === 'conflict'
    );
    await helm.uninstall({ ...ref, timeoutMs: 10_000 });
    const fresh = await helm.install({ ...ref, chart: quick, timeoutMs: 10_000, wait: false });
    assert.equal(fresh.status, 'deployed');
  });

  it('after a crash mid-upgrade the release stays pending-upgrade; rollback recovers it', async () => {
    const ref = { releaseName: 'app', namespace: await namespace() };
    await helm.install({ ...ref, chart: quick, timeoutMs: 10_000, wait: false });
    const home = await mkdtemp(path.join(tmpdir(), 'helm-crash-'));
    const child = spawn(
      toolPath('helm'),
      [
        'upgrade',
        ref.releaseName,
        slow,
        '-n',
        ref.namespace,
        '--wait=watcher',
        '--timeout=60s',
        '--kubeconfig',
        env.kubeconfigPath,
      ],
      { env: isolatedHelmEnv(home), stdio: 'ignore' }
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitForPending(ref);
    } finally {
      child.kill('SIGKILL');
      await exited;
      await rm(home, { recursive: true, force: true });
    }
    assert.equal((await helm.status(ref))?.status, 'pending-upgrade');
    const upgrade = helm.upgrade({ ...ref, chart: quick, timeoutMs: 10_000, wait: false, maxHistory: 5 });
    await assert.rejects(upgrade, (err: unknown) => err instanceof HelmError && err.kind === 'locked');
    const restored = await helm.rollback({ ...ref, revision: 1, timeoutMs: 10_000, wait: false });
    assert.equal(restored.status, 'deployed');
    assert.equal(restored.chartName, 'quick');
    assert.equal(pendingRelease(restored), false);
  });
});

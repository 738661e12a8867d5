import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { serverSideApply } from '../../../activities/kube/client.js';
import { parseDuration } from '../../../api/meta.js';
import { toolPath } from '../../../tools/toolchain/build.js';
import { DEFAULT_ADDRESSES, KNOWN_ENV_VARIABLES, loadConfig } from '../../../workers/config.js';
import { eventually } from '../../support/cluster.js';
import { useLocalEnv, type TestEnv } from '../../support/local-env.js';
import { uniqueName } from '../../support/names.js';

const run = promisify(execFile);
const INSTALL_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'config', 'install');
/** Apply order: what others refer to first. */
const ORDER = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'];
const rank = (o: KubernetesObject): number => (ORDER.indexOf(o.kind!) + ORDER.length + 1) % (ORDER.length + 1);

/**
 * `config/install` under an overlay that renames what could collide with a parallel run: its own
 * namespace, and a prefix on every name (ClusterRoles and their bindings included).
 */
async function buildInstall(namespace: string, prefix: string): Promise<KubernetesObject[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ballast-install-'));
  try {
    const overlay = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${namespace}`,
      `namePrefix: ${prefix}`,
      'resources:',
      `  - ${path.relative(dir, INSTALL_DIR)}`,
    ];
    await writeFile(path.join(dir, 'kustomization.yaml'), overlay.join('\n') + '\n');
    const { stdout } = await run(toolPath('kustomize'), ['build', dir], { maxBuffer: 64 << 20 });
    return parseAllDocuments(stdout).map((d) => d.toJS() as KubernetesObject);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('config/install: kustomize build + server-side apply into the real apiserver', () => {
  let env: TestEnv;
  let kc: KubeConfig;
  let objects: KubernetesObject[];
  const id = uniqueName('install');
  const prefix = `${id}-`;
  const deployments = (): V1Deployment[] => objects.filter((o): o is V1Deployment => o.kind === 'Deployment');
  const named = (kind: string, name: string): KubernetesObject | undefined =>
    objects.find((o) => o.kind === kind && o.metadata?.name === `${prefix}${name}`);

  before(async () => {
    env = await useLocalEnv();
    kc = new KubeConfig();
    kc.loadFromFile(env.kubeconfigPath);
    objects = await buildInstall(id, prefix);
  });
  after(async () => {
    // Cluster-scoped objects by their unique names; the CRDs stay (every test shares them).
    const api = KubernetesObjectApi.makeApiClient(kc);
    const clusterScoped = objects.filter((o) => ['ClusterRole', 'ClusterRoleBinding', 'Namespace'].includes(o.kind!));
    for (const o of [...clusterScoped, artifactVolume(id, prefix)])
      await api
        .delete({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata!.name } })
        .catch(() => {});
    await env?.release();
  });

  it('builds a complete, safe install whose settings workers/config.ts accepts', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'])
      assert.ok(kinds.has(kind), kind);
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy', 'ConfigMap'])
      assert.ok(kinds.has(kind), kind);
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as KubernetesObject & {
      data: Record<string, string>;
    };
    const ports = { controller: DEFAULT_ADDRESSES.controllerHttp, worker: DEFAULT_ADDRESSES.workerHttp };
    for (const d of deployments()) {
      const spec = d.spec!.template.spec!;
      const [container] = spec.containers;
      assert.ok(container);
      const component = d.metadata!.labels!['app.kubernetes.io/component'] as keyof typeof ports;
      const env = Object.fromEntries((container.env ?? []).filter((e) => e.value).map((e) => [e.name, e.value!]));
      const names = [...Object.keys(configMap.data), ...(container.env ?? []).map((e) => e.name)];
      assert.deepEqual(
        names.filter((n) => !KNOWN_ENV_VARIABLES.includes(n)),
        [],
        `${component}: unknown variables`
      );
      const config = loadConfig({ ...configMap.data, ...env });
      const port = Number(ports[component].split(':')[1]);
      assert.equal(config.httpAddress, `0.0.0.0:${port}`, component);
      assert.equal(container.ports?.find((p) => p.name === 'http')?.containerPort, port, component);
      assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
      assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
      assert.ok(spec.terminationGracePeriodSeconds! * 1000 > parseDuration(config.shutdownGrace), 'room to drain');
      assert.equal(spec.securityContext?.runAsNonRoot, true);
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      assert.ok(spec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${component}: /tmp is an emptyDir`);
      assert.ok(container.resources?.requests && container.resources.limits, `${component}: resources`);
    }
  });

  it('applies for real; the Deployments get Pods that kwok runs to Ready', async () => {
    const api = KubernetesObjectApi.makeApiClient(kc);
    await api.create(artifactVolume(id, prefix));
    for (const o of [...objects].sort((a, b) => rank(a) - rank(b)))
      await serverSideApply(api, o, { fieldManager: 'ballast-install-test', force: true });

    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    for (const d of deployments()) {
      const name = d.metadata!.name!;
      await eventually(
        async () => {
          const live = await apps.readNamespacedDeployment({ namespace: id, name });
          return live.status?.availableReplicas === live.spec?.replicas ? live : undefined;
        },
        async () => JSON.stringify((await apps.readNamespacedDeployment({ namespace: id, name })).status),
        120_000
      );
      const selector = Object.entries(d.spec!.selector.matchLabels!)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const pods = await core.listNamespacedPod({ namespace: id, labelSelector: selector });
      assert.equal(pods.items.length, d.spec!.replicas, name);
      for (const pod of pods.items) {
        assert.equal(pod.status?.phase, 'Running', pod.metadata?.name);
        assert.equal(pod.spec?.serviceAccountName, d.spec!.template.spec!.serviceAccountName);
      }
    }
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    assert.ok(await rbac.readClusterRole({ name: `${prefix}ballast-impersonator` }));
  });

  it('grants the controller only what it needs, and the workers apply rights plus impersonation', async () => {
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const can = async (sa: string, attrs: Record<string, string>): Promise<boolean> => {
      const review = await authz.createSubjectAccessReview({
        body: { spec: { user: `system:serviceaccount:${id}:${prefix}${sa}`, resourceAttributes: attrs } },
      });
      return review.status?.allowed ?? false;
    };
    const flux = { group: 'kustomize.toolkit.fluxcd.io', resource: 'kustomizations' };
    assert.equal(await can('ballast-controller', { ...flux, verb: 'watch' }), true);
    assert.equal(await can('ballast-controller', { ...flux, verb: 'patch', namespace: 'any' }), true);
    const receiverStatus = { group: 'notification.toolkit.fluxcd.io', resource: 'receivers', subresource: 'status' };
    assert.equal(await can('ballast-controller', { ...receiverStatus, verb: 'patch', namespace: 'any' }), true);
    assert.equal(await can('ballast-controller', { resource: 'events', verb: 'create', namespace: 'any' }), true);
    assert.equal(await can('ballast-controller', { group: 'apps', resource: 'deployments', verb: 'create' }), false);
    assert.equal(await can('ballast-controller', { resource: 'serviceaccounts', verb: 'impersonate' }), false);
    assert.equal(await can('ballast-worker', { group: 'apps', resource: 'deployments', verb: 'create' }), true);
    assert.equal(
      await can('ballast-worker', { resource: 'serviceaccounts', verb: 'impersonate', namespace: 'x' }),
      true
    );
    assert.ok(named('ClusterRoleBinding', 'ballast-impersonator'), 'impersonation is bound on its own');
  });
});

/**
 * A PersistentVolume pre-bound to the install's artifact claim: the local cluster has no storage
 * provisioner, and an unbound claim would keep the worker Pods from being scheduled.
 */
function artifactVolume(id: string, prefix: string): KubernetesObject & { spec: unknown } {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `${prefix}artifacts` },
    spec: {
      capacity: { storage: '2Gi' },
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: path.join(tmpdir(), `${prefix}artifacts`) },
      claimRef: { namespace: id, name: `${prefix}ballast-artifacts` },
    },
  };
}

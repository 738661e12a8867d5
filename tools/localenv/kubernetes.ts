import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { request } from 'node:https';
import path from 'node:path';
import { toolPath } from '../toolchain/build.js';
import { createPki, writeKubeconfig, type Pki } from './pki.js';
import { freePort } from './ports.js';
import { waitReady, type Managed, type ProcessGroup } from './processes.js';

/** A running local control plane. */
export interface ControlPlane {
  server: string;
  kubeconfigPath: string;
  /** Name of the kwok-simulated node every Pod is scheduled onto. */
  nodeName: string;
  /** SIGKILLs kube-apiserver, so every client gets connection refused (fault-injection tests). */
  stopApiserver(): Promise<void>;
  /** Starts kube-apiserver again on the same port, etcd and certificates; resolves once it is ready. */
  startApiserver(): Promise<void>;
}

/** GET `url` with the admin client certificate; true on HTTP 200. */
function httpsOk(url: string, pki: Pki): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        ca: readFileSync(pki.caCert),
        cert: readFileSync(pki.adminCert),
        key: readFileSync(pki.adminKey),
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      }
    );
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function startEtcd(group: ProcessGroup, dir: string): Promise<string> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const etcd = group.start('etcd', toolPath('etcd'), [
    `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--listen-metrics-urls=',
    // Test data is disposable; fsync on every write would make the apiserver crawl on shared disks.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ]);
  await waitReady(etcd, async () => (await fetch(`${url}/health`)).ok, 30_000);
  return url;
}

async function startApiserver(
  group: ProcessGroup,
  dir: string,
  etcdUrl: string,
  pki: Pki,
  port?: number
): Promise<string> {
  port ??= await freePort();
  const server = `https://127.0.0.1:${port}`;
  const apiserver = group.start('kube-apiserver', toolPath('kube-apiserver'), [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    // RBAC, not AlwaysAllow: impersonation and tenancy tests depend on real authorization.
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true',
    '--profiling=false',
  ]);
  await waitReady(apiserver, () => httpsOk(`${server}/readyz`, pki), 90_000);
  return server;
}

/** The fake node kwok manages: annotated for kwok's selector, untainted so every Pod may land on it. */
async function createFakeNode(kubeconfigPath: string, name: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  await kc.makeApiClient(CoreV1Api).createNode({
    body: {
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          type: 'kwok',
        },
      },
    },
  });
}

/** Waits until the node reports Ready=True, which kwok's node stages set. */
async function waitNodeReady(kubeconfigPath: string, name: string, timeoutMs: number): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const node = await core.readNode({ name });
    if (node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node ${name} did not become Ready within ${timeoutMs} ms (is kwok running? see kwok.log)`);
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok with one fake
 * node, all on loopback; writes an admin kubeconfig to `<dir>/kubeconfig`.
 */
export async function startControlPlane(group: ProcessGroup, dir: string): Promise<ControlPlane> {
  await mkdir(path.join(dir, 'pki'), { recursive: true });
  const pki = await createPki(path.join(dir, 'pki'));
  const etcdUrl = await startEtcd(group, dir);
  const server = await startApiserver(group, dir, etcdUrl, pki);
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, server, pki);

  group.start('kube-controller-manager', toolPath('kube-controller-manager'), [
    `--kubeconfig=${kubeconfigPath}`,
    '--leader-elect=false',
    '--secure-port=0',
    `--service-account-private-key-file=${pki.saKey}`,
    `--root-ca-file=${pki.caCert}`,
    '--use-service-account-credentials=false',
    // The defaults (20 QPS, burst 30) throttle the controllers when the whole test suite runs at once.
    '--kube-api-qps=200',
    '--kube-api-burst=400',
    // kwok renews the fake node every 20–45 s (its heartbeat Stage's delay plus jitter), so on a
    // saturated machine a renewal can come later than the default 50 s grace. The node then turns
    // NotReady and the node controller sets every Pod on it Ready=False, which kwok's pod Stages
    // never undo: a helm --wait or health check then waits forever. No real kubelet runs here.
    '--node-monitor-grace-period=5m',
  ]);
  group.start('kube-scheduler', toolPath('kube-scheduler'), [
    `--kubeconfig=${kubeconfigPath}`,
    '--leader-elect=false',
    '--secure-port=0',
    '--kube-api-qps=200',
    '--kube-api-burst=400',
  ]);
  const nodeName = 'kwok-node-0';
  group.start('kwok', toolPath('kwok'), [
    `--kubeconfig=${kubeconfigPath}`,
    `--config=${path.join(path.dirname(toolPath('kwok')), 'stages.yaml')}`,
    '--manage-all-nodes=false',
    '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    '--cidr=10.244.0.0/16',
    '--node-ip=10.244.0.1',
    '--node-port=0',
    '--server-address=',
  ]);
  await createFakeNode(kubeconfigPath, nodeName);
  await waitNodeReady(kubeconfigPath, nodeName, 30_000);
  const apiserverMember = (): Managed | undefined => group.members.find((m) => m.name === 'kube-apiserver');
  return {
    server,
    kubeconfigPath,
    nodeName,
    async stopApiserver() {
      const m = apiserverMember();
      if (!m) return;
      m.child.kill('SIGKILL');
      await m.exited;
      group.members.splice(group.members.indexOf(m), 1);
    },
    async startApiserver() {
      if (apiserverMember()) return;
      await startApiserver(group, dir, etcdUrl, pki, Number(new URL(server).port));
    },
  };
}

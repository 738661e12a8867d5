import { KubeConfig } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createKubeClients, KubeRequestTimeoutError } from '../../../../activities/kube/client.js';

/** An "apiserver" that accepts connections and never answers: the hang the timeout exists for. */
function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0, sockets });
    })
  );
}

function kubeconfigFor(port: number): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'silent', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'x' }],
    contexts: [{ name: 'c', cluster: 'silent', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

describe('createKubeClients: request timeout', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  before(async () => (silent = await silentServer()));
  after(() => {
    for (const s of silent.sockets) s.destroy();
    silent.server.close();
  });

  it('fails a request the apiserver never answers after the timeout, naming the request', async () => {
    const kube = createKubeClients(kubeconfigFor(silent.port), { requestTimeoutMs: 300 });
    const started = performance.now();
    await assert.rejects(kube.core.readNamespace({ name: 'apps' }), (err: unknown) => {
      assert.ok(err instanceof KubeRequestTimeoutError, String(err));
      assert.match(err.message, /kube-apiserver did not answer GET \/api\/v1\/namespaces\/apps within 300 ms/);
      return true;
    });
    assert.ok(performance.now() - started < 5_000, 'gave up promptly');
  });

  it('applies to the generic object API and custom objects too', async () => {
    const kube = createKubeClients(kubeconfigFor(silent.port), { requestTimeoutMs: 200 });
    await assert.rejects(
      kube.objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'apps' } }),
      KubeRequestTimeoutError
    );
    await assert.rejects(
      kube.custom.getNamespacedCustomObject({
        group: 'kustomize.toolkit.fluxcd.io',
        version: 'v1',
        namespace: 'apps',
        plural: 'kustomizations',
        name: 'web',
      }),
      KubeRequestTimeoutError
    );
  });
});

import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createKubeClients } from '../../../../activities/kube/client.js';
import { createPki, type Pki } from '../../../../tools/localenv/pki.js';

const run = promisify(execFile);

/** One TLS connection the server accepted, and the client certificate it was opened with. */
interface Connection {
  clientCN: string;
  closed: Promise<unknown>;
}

/** Discovery for the generic object API: enough for it to find where Namespaces live. */
const CORE_RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'v1',
  resources: [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get'] }],
};

/** An "apiserver" that demands a client certificate and records every TLS connection made to it. */
async function startApiserver(pki: Pki): Promise<{ server: Server; port: number; connections: Connection[] }> {
  const [key, cert, ca] = await Promise.all([pki.serverKey, pki.serverCert, pki.caCert].map((f) => readFile(f)));
  const connections: Connection[] = [];
  const server = createServer({ key, cert, ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET' && req.url === '/api/v1') {
      res.end(JSON.stringify(CORE_RESOURCES));
      return;
    }
    const name = /^\/api\/v1\/namespaces\/([^/?]+)$/.exec(req.url ?? '')?.[1];
    if (req.method !== 'GET' || !name) {
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
      return;
    }
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const clientCN = String(socket.getPeerCertificate().subject.CN);
    connections.push({ clientCN, closed: once(socket, 'close') });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, connections };
}

/** Issues another client certificate from the same CA: what a certificate rotation puts in place. */
async function issueClientCert(pki: Pki, dir: string, cn: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${cn}.crt`);
  const key = path.join(dir, `${cn}.key`);
  const csr = path.join(dir, `${cn}.csr`);
  const ext = path.join(dir, `${cn}.ext`);
  await writeFile(ext, 'extendedKeyUsage=clientAuth\n');
  await run(
    'openssl',
    ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      key,
      '-subj',
      `/CN=${cn}`,
      '-out',
      csr,
    ])
  );
  await run(
    'openssl',
    ['x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial'].concat([
      '-days',
      '1',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      cert,
    ])
  );
  return { cert, key };
}

/** A kubeconfig reading its client certificate from files, as a rotated (mounted, renewed) certificate is. */
function kubeconfigFor(port: number, caFile: string, certFile: string, keyFile: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: `https://127.0.0.1:${port}`, caFile }],
    users: [{ name: 'admin', certFile, keyFile }],
    contexts: [{ name: 'local', cluster: 'local', user: 'admin' }],
    currentContext: 'local',
  });
  return kc;
}

/**
 * Reads `count` namespaces one after another. Between two requests it yields a macrotask, as any
 * real caller does: undici's fetch resolves the body a tick before the connection is marked free,
 * so a request issued in that same tick finds it busy and the pool opens a second one (see the
 * back-to-back case below).
 */
async function readNamespaces(core: CoreV1Api, count: number, opts: { backToBack?: boolean } = {}): Promise<void> {
  for (let i = 0; i < count; i++) {
    const ns = await core.readNamespace({ name: `ns-${i}` });
    assert.equal(ns.metadata?.name, `ns-${i}`);
    if (!opts.backToBack) await nextMacrotask();
  }
}

/** Resolves when `closed` does; rejects after `ms` so a connection left open fails the test instead of hanging it. */
function within(closed: Promise<unknown>, ms: number, what: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)));
  return Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
}

describe('createKubeClients: apiserver connection reuse (withSharedConnections)', () => {
  let dir: string;
  let pki: Pki;
  let rotated: { cert: string; key: string };
  let apiserver: Awaited<ReturnType<typeof startApiserver>>;
  /** How many TLS connections the apiserver has accepted so far. */
  const opened = (): number => apiserver.connections.length;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ballast-conn-reuse-'));
    pki = await createPki(dir);
    rotated = await issueClientCert(pki, dir, 'ballast-rotated');
    apiserver = await startApiserver(pki);
  });
  after(async () => {
    apiserver.server.closeAllConnections();
    apiserver.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Client certificate files of one test's own, so rotating them leaves the other tests' untouched. */
  async function clientFiles(name: string): Promise<{ certFile: string; keyFile: string }> {
    const certFile = path.join(dir, `${name}.crt`);
    const keyFile = path.join(dir, `${name}.key`);
    await copyFile(pki.adminCert, certFile);
    await copyFile(pki.adminKey, keyFile);
    return { certFile, keyFile };
  }

  /** Replaces the client certificate files with the rotated ones and moves their mtime on, as a renewal does. */
  async function rotate(files: { certFile: string; keyFile: string }, secondsAhead: number): Promise<void> {
    await copyFile(rotated.cert, files.certFile);
    await copyFile(rotated.key, files.keyFile);
    const later = Date.now() / 1000 + secondsAhead;
    await utimes(files.certFile, later, later);
    await utimes(files.keyFile, later, later);
  }

  /** The worker's clients over a kubeconfig reading the client certificate from `files`. */
  function clientsFor(files: { certFile: string; keyFile: string }): ReturnType<typeof createKubeClients> {
    return createKubeClients(kubeconfigFor(apiserver.port, pki.caCert, files.certFile, files.keyFile));
  }

  /** The connection the apiserver accepted `index`-th; failing, not undefined, when there is none. */
  function connection(index: number): Connection {
    const found = apiserver.connections[index];
    assert.ok(found, `no connection #${index}; the apiserver accepted ${opened()}`);
    return found;
  }

  it('makes 20 sequential requests over one TLS connection, where the bare client opens 20', async () => {
    const files = await clientFiles('sequential');

    const bare = kubeconfigFor(apiserver.port, pki.caCert, files.certFile, files.keyFile);
    const beforeBare = opened();
    await readNamespaces(bare.makeApiClient(CoreV1Api), 20);
    assert.equal(opened() - beforeBare, 20, 'the library builds a new Agent, so a new connection, per request');

    const beforeShared = opened();
    await readNamespaces(clientsFor(files).core, 20);
    assert.equal(opened() - beforeShared, 1);
  });

  it('makes 20 back-to-back requests over at most two connections', async () => {
    const files = await clientFiles('back-to-back');
    const before = opened();
    await readNamespaces(clientsFor(files).core, 20, { backToBack: true });
    // undici's pool, not the wrapper: the next request starts before the previous connection is free.
    assert.ok(opened() - before <= 2, `opened ${opened() - before}`);
  });

  it('serves the typed API over the connections the generic object API opened', async () => {
    const files = await clientFiles('typed-and-generic');
    const kube = clientsFor(files);
    const before = opened();
    // The generic API's first read is a discovery request and the read itself, back to back.
    const ns = await kube.objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'generic' } });
    assert.equal(ns.metadata?.name, 'generic');
    const byGeneric = opened() - before;
    assert.ok(byGeneric >= 1 && byGeneric <= 2, `generic API opened ${byGeneric}`);
    await nextMacrotask();

    await readNamespaces(kube.core, 5);
    assert.equal(opened() - before, byGeneric, 'the typed API opened no connection of its own');
  });

  it('keeps the connections a concurrent burst opened for the requests that follow', async () => {
    const files = await clientFiles('burst');
    const { core } = clientsFor(files);
    const before = opened();
    const names = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    const read = await Promise.all(names.map((name) => core.readNamespace({ name })));
    assert.deepEqual(
      read.map((ns) => ns.metadata?.name),
      names
    );
    const afterBurst = opened();
    assert.ok(afterBurst - before >= 1 && afterBurst - before <= 20, `burst opened ${afterBurst - before}`);

    await readNamespaces(core, 20);
    assert.equal(opened(), afterBurst, 'the sequential batch reused the pooled connections');
  });

  it('switches to the rotated client certificate on the next request, closes the old connection, reuses the new', async () => {
    const files = await clientFiles('rotation');
    const { core } = clientsFor(files);
    const before = opened();
    await readNamespaces(core, 3);
    assert.equal(opened() - before, 1);
    const old = connection(before);
    assert.equal(old.clientCN, 'ballast-admin');

    await rotate(files, 10);
    await readNamespaces(core, 1);
    assert.equal(opened() - before, 2, 'the rotated certificate needs a connection of its own');
    assert.equal(connection(before + 1).clientCN, 'ballast-rotated');
    await within(old.closed, 5_000, 'the connection with the old certificate was not closed');

    await readNamespaces(core, 10);
    assert.equal(opened() - before, 2, 'later requests reuse the connection with the rotated certificate');
  });

  it('picks up a certificate rotated while a request was reading it', async () => {
    const files = await clientFiles('rotation-race');
    const kc = kubeconfigFor(apiserver.port, pki.caCert, files.certFile, files.keyFile);
    // The library reads the certificate files inside applySecurityAuthentication; rotating them
    // right after that read is the narrowest window a renewal can land in.
    const readCredentials = kc.applySecurityAuthentication.bind(kc);
    let rotateAfterRead = false;
    kc.applySecurityAuthentication = async (context) => {
      await readCredentials(context);
      if (!rotateAfterRead) return;
      rotateAfterRead = false;
      await rotate(files, 10);
    };
    const { core } = createKubeClients(kc);
    const before = opened();
    await readNamespaces(core, 1);
    rotateAfterRead = true;
    await readNamespaces(core, 1);
    await readNamespaces(core, 3);
    const seen = apiserver.connections.slice(before).map((c) => c.clientCN);
    assert.equal(seen.at(-1), 'ballast-rotated', `connections by client CN: ${seen.join(', ')}`);
  });
});

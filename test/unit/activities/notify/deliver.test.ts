import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { DeliverNotificationInput, DeliverNotificationResult } from '../../../../api/notification.js';
import { createNotifyActivities } from '../../../../activities/notify/deliver.js';
import { createPki } from '../../../../tools/localenv/pki.js';
import { startHttpSink, type HttpSink } from '../../../../tools/localenv/http-sink.js';
import { fakeCluster, providerObject, type FakeCluster } from './fake-kube.js';
import { event, SHA } from './fixtures.js';

const input = (
  provider = 'hook',
  overrides: Partial<DeliverNotificationInput['request']> = {}
): DeliverNotificationInput => ({
  provider: { namespace: 'apps', name: provider },
  request: {
    alert: { namespace: 'apps', name: 'on-call' },
    event: event(),
    commitStatusUpdate: false,
    hasCommitKey: false,
    ...overrides,
  },
});

describe('deliverNotification', () => {
  let sink: HttpSink;
  let c: FakeCluster;
  let deliver: (i: DeliverNotificationInput) => Promise<DeliverNotificationResult>;
  before(async () => (sink = await startHttpSink()));
  after(async () => sink?.close());
  beforeEach(() => {
    sink.requests.length = 0;
    sink.answer(() => ({ status: 200 }));
    c = fakeCluster();
    const activities = createNotifyActivities({ kube: c.kube });
    deliver = (i) =>
      new MockActivityEnvironment().run((x: DeliverNotificationInput) => activities.deliverNotification(x), i);
  });
  const failure = async (i: DeliverNotificationInput): Promise<ApplicationFailure> => {
    try {
      await deliver(i);
    } catch (err) {
      assert.ok(err instanceof ApplicationFailure, String(err));
      return err;
    }
    assert.fail('delivered');
  };

  it('reads the Secret at send time: address, headers and a rotated HMAC token', async () => {
    c.providers.set(
      'apps/hook',
      providerObject('hook', { type: 'generic-hmac', address: 'http://unused.invalid', secretRef: { name: 'hook' } })
    );
    c.secrets.set('apps/hook', {
      address: `${sink.url}/from-secret`,
      token: 'first-key',
      headers: 'X-Env: prod\nX-Team: web\n',
    });
    assert.deepEqual(await deliver(input()), { outcome: 'delivered' });
    c.secrets.set('apps/hook', { address: `${sink.url}/from-secret`, token: 'rotated-key' });
    await deliver(input());
    const [first, second] = sink.requests;
    assert.equal(first!.path, '/from-secret');
    assert.equal(first!.headers['x-env'], 'prod');
    assert.equal(first!.headers['x-team'], 'web');
    assert.equal(
      first!.headers['x-signature'],
      `sha256=${createHmac('sha256', 'first-key').update(first!.body).digest('hex')}`
    );
    assert.equal(
      second!.headers['x-signature'],
      `sha256=${createHmac('sha256', 'rotated-key').update(second!.body).digest('hex')}`
    );
  });

  it('uses the default commit status context <kind>/<name>/<provider uid prefix>', async () => {
    sink.answer((r) => ({ status: r.method === 'GET' ? 200 : 201, body: '[]' }));
    c.providers.set(
      'apps/gh',
      providerObject('gh', { type: 'github', address: `${sink.url}/org/app`, secretRef: { name: 'gh' } })
    );
    c.secrets.set('apps/gh', { token: 'ghp_abc' });
    await deliver(input('gh', { commitStatusUpdate: true }));
    const post = sink.requests.find((r) => r.method === 'POST')!;
    assert.equal(post.path, `/api/v3/repos/org/app/statuses/${SHA}`);
    assert.equal((JSON.parse(post.body) as { context: string }).context, 'kustomization/podinfo/0c9c2e41');
  });

  it('skips a suspended Provider and events its type does not take, sending nothing', async () => {
    c.providers.set('apps/hook', providerObject('hook', { type: 'generic', address: sink.url, suspend: true }));
    assert.deepEqual(await deliver(input()), { outcome: 'skipped', detail: 'the Provider is suspended' });
    c.providers.set('apps/gh', providerObject('gh', { type: 'github', address: `${sink.url}/o/r` }));
    assert.equal((await deliver(input('gh'))).outcome, 'skipped');
    assert.equal(sink.requests.length, 0);
  });

  it('a missing Secret is retried (it may be created later); a missing Provider is not', async () => {
    c.providers.set(
      'apps/hook',
      providerObject('hook', { type: 'slack', address: sink.url, secretRef: { name: 'absent' } })
    );
    const missingSecret = await failure(input());
    assert.equal(missingSecret.nonRetryable, false);
    assert.match(missingSecret.message, /secret 'apps\/absent' not found/);
    const missingProvider = await failure(input('nope'));
    assert.equal(missingProvider.nonRetryable, true);
    assert.equal(missingProvider.type, 'InvalidConfig');
    assert.match(missingProvider.message, /Provider apps\/nope: not found/);
  });

  it('an unsupported type, commitStatusExpr or bad headers fail once with what to change', async () => {
    c.providers.set('apps/tg', providerObject('tg', { type: 'telegram', address: sink.url }));
    assert.match(
      (await failure(input('tg'))).message,
      /type telegram is not supported by Ballast; supported: generic, generic-hmac, slack/
    );
    c.providers.set('apps/gh', providerObject('gh', { type: 'github', address: sink.url, commitStatusExpr: "'x'" }));
    assert.match((await failure(input('gh', { commitStatusUpdate: true }))).message, /commitStatusExpr/);
    c.providers.set(
      'apps/hook',
      providerObject('hook', { type: 'generic', address: sink.url, secretRef: { name: 'h' } })
    );
    c.secrets.set('apps/h', { headers: '- not\n- a map\n' });
    const bad = await failure(input());
    assert.equal(bad.nonRetryable, true);
    assert.match(bad.message, /"headers" key must be a YAML map/);
  });

  it('never puts a secret in a failure message: the webhook path and token are masked', async () => {
    sink.answer(() => ({ status: 503, body: 'echo: slack-bot-token-123 /services/T1/B2/XYZsecret' }));
    c.providers.set('apps/hook', providerObject('hook', { type: 'slack', secretRef: { name: 's' } }));
    c.secrets.set('apps/s', { address: `${sink.url}/services/T1/B2/XYZsecret`, token: 'slack-bot-token-123' });
    const f = await failure(input());
    assert.equal(f.nonRetryable, false);
    assert.ok(!f.message.includes('slack-bot-token-123'), f.message);
    assert.ok(!f.message.includes('XYZsecret'), f.message);
    assert.equal(sink.requests[0]!.headers.authorization, 'Bearer slack-bot-token-123');
  });

  it('sends through the proxy of proxySecretRef, with its credentials', async () => {
    const proxy = await startHttpSink();
    try {
      c.providers.set(
        'apps/hook',
        providerObject('hook', {
          type: 'generic',
          address: 'http://events.example.invalid/hook',
          proxySecretRef: { name: 'proxy' },
        })
      );
      c.secrets.set('apps/proxy', { address: proxy.url, username: 'px', password: 'proxy-pass' });
      await deliver(input());
      const req = proxy.requests[0]!;
      assert.equal(req.path, 'http://events.example.invalid/hook');
      assert.equal(req.headers['proxy-authorization'], `Basic ${Buffer.from('px:proxy-pass').toString('base64')}`);
    } finally {
      await proxy.close();
    }
  });

  it('trusts the CA and presents the client certificate of certSecretRef (mutual TLS)', async () => {
    const pki = await createPki(await mkdtemp(path.join(tmpdir(), 'ballast-notify-tls-')));
    const [ca, cert, key, clientCert, clientKey] = await Promise.all(
      [pki.caCert, pki.serverCert, pki.serverKey, pki.adminCert, pki.adminKey].map((f) => readFile(f, 'utf8'))
    );
    const seen: string[] = [];
    const server = createHttpsServer({ ca, cert, key, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      seen.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      c.providers.set(
        'apps/hook',
        providerObject('hook', {
          type: 'generic',
          address: `https://127.0.0.1:${port}/`,
          certSecretRef: { name: 'tls' },
        })
      );
      c.secrets.set('apps/tls', { 'ca.crt': ca!, 'tls.crt': clientCert!, 'tls.key': clientKey! });
      assert.deepEqual(await deliver(input()), { outcome: 'delivered' });
      assert.deepEqual(seen, ['ballast-admin']);
      c.secrets.set('apps/tls', { 'tls.crt': clientCert!, 'tls.key': clientKey! });
      const untrusted = await failure(input());
      assert.equal(untrusted.nonRetryable, false, 'a TLS failure may be a transient misissue: retried');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

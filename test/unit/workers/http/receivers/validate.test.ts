import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import type { ReceiverType } from '../../../../../api/receiver.js';
import { hmacHex } from '../../../../../workers/http/receivers/signatures.js';
import { validateWebhook, type WebhookPolicy } from '../../../../../workers/http/receivers/validate.js';

const TOKEN = 's3cret';
const body = Buffer.from('{"ref":"refs/heads/main"}');
const json = { 'content-type': 'application/json' };
const hub256 = { 'x-hub-signature-256': `sha256=${hmacHex('sha256', TOKEN, body)}` };
const cdevent = Buffer.from(
  JSON.stringify({
    context: {
      version: '0.4.1',
      id: '271069a8-fc18-44f1-b38f-9d70a1695819',
      source: '/event/source/123',
      type: 'dev.cdevents.change.merged.0.2.0',
      timestamp: '2024-03-20T14:27:05.315384Z',
    },
    subject: { id: 'change-1', source: '/repo', content: { repository: { id: 'repo' } } },
  })
);

interface Case {
  name: string;
  policy: WebhookPolicy;
  headers: IncomingHttpHeaders;
  body?: Buffer;
  ok: boolean;
  message?: RegExp;
}

const policy = (type: ReceiverType, events?: string[]): WebhookPolicy => (events ? { type, events } : { type });

const cases: Case[] = [
  { name: 'generic: the path is enough', policy: policy('generic'), headers: {}, ok: true },
  {
    name: 'generic-hmac: X-Signature sha256',
    policy: policy('generic-hmac'),
    headers: { 'x-signature': `sha256=${hmacHex('sha256', TOKEN, body)}` },
    ok: true,
  },
  {
    name: 'generic-hmac: X-Signature sha1',
    policy: policy('generic-hmac'),
    headers: { 'x-signature': `sha1=${hmacHex('sha1', TOKEN, body)}` },
    ok: true,
  },
  {
    name: 'generic-hmac: wrong key',
    policy: policy('generic-hmac'),
    headers: { 'x-signature': `sha256=${hmacHex('sha256', 'other', body)}` },
    ok: false,
    message: /does not match/,
  },
  {
    name: 'generic-hmac: unsigned',
    policy: policy('generic-hmac'),
    headers: {},
    ok: false,
    message: /missing signature/,
  },
  {
    name: 'github: X-Hub-Signature-256 and a wanted event',
    policy: policy('github', ['push']),
    headers: { ...json, ...hub256, 'x-github-event': 'Push' },
    ok: true,
  },
  {
    name: 'github: legacy X-Hub-Signature (sha1)',
    policy: policy('github'),
    headers: { ...json, 'x-hub-signature': `sha1=${hmacHex('sha1', TOKEN, body)}`, 'x-github-event': 'push' },
    ok: true,
  },
  {
    name: 'github: X-Hub-Signature-256 wins over a bad legacy header',
    policy: policy('github'),
    headers: { ...json, ...hub256, 'x-hub-signature': 'sha1=00' },
    ok: true,
  },
  {
    name: 'github: an event outside spec.events',
    policy: policy('github', ['push']),
    headers: { ...json, ...hub256, 'x-github-event': 'ping' },
    ok: false,
    message: /event "ping" is not in spec.events/,
  },
  {
    name: 'github: unsigned',
    policy: policy('github'),
    headers: { ...json, 'x-github-event': 'push' },
    ok: false,
    message: /missing signature/,
  },
  {
    name: 'github: not JSON',
    policy: policy('github'),
    headers: { 'content-type': 'text/plain', ...hub256 },
    ok: false,
    message: /unsupported Content-Type/,
  },
  {
    name: 'github: form-encoded with charset',
    policy: policy('github'),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...hub256 },
    ok: true,
  },
  {
    name: 'bitbucket: X-Event-Key filtered',
    policy: policy('bitbucket', ['repo:refs_changed']),
    headers: { ...json, ...hub256, 'x-event-key': 'repo:refs_changed' },
    ok: true,
  },
  {
    name: 'gitlab: token header and event',
    policy: policy('gitlab', ['Push Hook']),
    headers: { 'x-gitlab-token': TOKEN, 'x-gitlab-event': 'push hook' },
    ok: true,
  },
  {
    name: 'gitlab: wrong token',
    policy: policy('gitlab'),
    headers: { 'x-gitlab-token': 'nope' },
    ok: false,
    message: /X-Gitlab-Token does not match/,
  },
  {
    name: 'gitlab: unwanted event',
    policy: policy('gitlab', ['Push Hook']),
    headers: { 'x-gitlab-token': TOKEN, 'x-gitlab-event': 'Tag Push Hook' },
    ok: false,
  },
  { name: 'harbor: Authorization is the token', policy: policy('harbor'), headers: { authorization: TOKEN }, ok: true },
  { name: 'harbor: wrong Authorization', policy: policy('harbor'), headers: { authorization: 'x' }, ok: false },
  { name: 'quay: a JSON object', policy: policy('quay'), headers: {}, ok: true },
  {
    name: 'dockerhub: not JSON',
    policy: policy('dockerhub'),
    headers: {},
    body: Buffer.from('<xml/>'),
    ok: false,
    message: /dockerhub payload/,
  },
  { name: 'acr: a JSON array', policy: policy('acr'), headers: {}, body: Buffer.from('[]'), ok: false },
  {
    name: 'nexus: signed',
    policy: policy('nexus'),
    headers: { 'x-nexus-webhook-signature': hmacHex('sha1', TOKEN, body) },
    ok: true,
  },
  { name: 'nexus: unsigned', policy: policy('nexus'), headers: {}, ok: false, message: /missing X-Nexus/ },
  {
    name: 'cdevents: a valid event of a wanted type',
    policy: policy('cdevents', ['dev.cdevents.change.merged.0.2.0']),
    headers: { 'ce-type': 'dev.cdevents.change.merged.0.2.0' },
    body: cdevent,
    ok: true,
  },
  {
    name: 'cdevents: an unwanted type',
    policy: policy('cdevents', ['dev.cdevents.change.merged.0.2.0']),
    headers: { 'ce-type': 'dev.cdevents.pipelinerun.queued.0.2.0' },
    body: cdevent,
    ok: false,
    message: /not in spec.events/,
  },
  {
    name: 'cdevents: not a CDEvent',
    policy: policy('cdevents'),
    headers: {},
    ok: false,
    message: /invalid CDEvent: context: required/,
  },
  { name: 'gcr: not supported', policy: policy('gcr'), headers: {}, ok: false, message: /not supported by Ballast/ },
];

describe('validateWebhook', () => {
  for (const c of cases) {
    it(c.name, () => {
      const verdict = validateWebhook(c.policy, { headers: c.headers, body: c.body ?? body }, TOKEN);
      assert.equal(verdict.ok, c.ok, JSON.stringify(verdict));
      if (c.message) assert.match(verdict.ok ? '' : verdict.message, c.message);
    });
  }

  it('reports the event a sender named', () => {
    const verdict = validateWebhook(
      policy('github'),
      { headers: { ...json, ...hub256, 'x-github-event': 'push' }, body },
      TOKEN
    );
    assert.deepEqual(verdict, { ok: true, event: 'push' });
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { discord } from '../../../../activities/notify/providers/discord.js';
import { generic, genericHmac } from '../../../../activities/notify/providers/generic.js';
import { googlechat } from '../../../../activities/notify/providers/googlechat.js';
import { messageCardPayload, msteams } from '../../../../activities/notify/providers/msteams.js';
import { rocket } from '../../../../activities/notify/providers/rocket.js';
import { slack, type SlackPayload } from '../../../../activities/notify/providers/slack.js';
import { webex } from '../../../../activities/notify/providers/webex.js';
import { startHttpSink, type HttpSink } from '../../../../tools/localenv/http-sink.js';
import { event, SHA, target } from './fixtures.js';

// Each provider posts to a real loopback server; the assertions are the request Flux's notifier
// for that type sends (notification-controller internal/notifier/<type>.go).
describe('chat and webhook providers', () => {
  let sink: HttpSink;
  before(async () => (sink = await startHttpSink()));
  after(async () => sink?.close());
  beforeEach(() => {
    sink.requests.length = 0;
    sink.answer(() => ({ status: 200, body: '{}' }));
  });
  const only = () => {
    assert.equal(sink.requests.length, 1, 'exactly one request');
    return sink.requests[0]!;
  };

  it('generic: POSTs the event as Flux JSON with gotk-component and the Secret headers', async () => {
    await generic(event(), target('generic', `${sink.url}/hook`, { headers: { 'X-Team': 'platform' } }));
    const req = only();
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/hook');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['gotk-component'], 'kustomize-controller');
    assert.equal(req.headers['x-team'], 'platform');
    assert.equal(req.headers['x-signature'], undefined);
    assert.deepEqual(JSON.parse(req.body), {
      involvedObject: {
        kind: 'Kustomization',
        namespace: 'apps',
        name: 'podinfo',
        uid: '3a0a2a8c-1111-2222-3333-444455556666',
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      },
      severity: 'info',
      timestamp: '2026-01-02T03:04:05Z',
      message: `Applied revision: main@sha1:${SHA}`,
      reason: 'ReconciliationSucceeded',
      metadata: { revision: `main@sha1:${SHA}`, summary: 'prod cluster' },
      reportingController: 'kustomize-controller',
    });
  });

  it('generic-hmac: X-Signature is sha256=<hex HMAC of the exact body> keyed by the token', async () => {
    await genericHmac(event(), target('generic-hmac', sink.url, { token: 'hmac-key-123' }));
    const req = only();
    const expected = createHmac('sha256', 'hmac-key-123').update(req.body).digest('hex');
    assert.equal(req.headers['x-signature'], `sha256=${expected}`);
    assert.equal((JSON.parse(req.body) as { reason: string }).reason, 'ReconciliationSucceeded');
  });

  it('generic-hmac without a token is a configuration error, nothing is sent', async () => {
    await assert.rejects(
      genericHmac(event(), target('generic-hmac', sink.url)),
      (err: Error & { nonRetryable?: boolean; type?: string }) => {
        assert.match(err.message, /Provider apps\/hook: .*"token"/);
        assert.equal(err.nonRetryable, true);
        assert.equal(err.type, 'InvalidConfig');
        return true;
      }
    );
    assert.equal(sink.requests.length, 0);
  });

  it('slack: one attachment, danger on error, fields from metadata, token as Bearer', async () => {
    await slack(
      event({ severity: 'error', message: 'Health check failed\nsecond line', reason: 'HealthCheckFailed' }),
      target('slack', sink.url, { token: 'xoxb-token', channel: 'general' })
    );
    const req = only();
    assert.equal(req.headers.authorization, 'Bearer xoxb-token');
    assert.deepEqual(JSON.parse(req.body), {
      channel: 'general',
      username: 'kustomize-controller',
      icon_url: '',
      icon_emoji: '',
      attachments: [
        {
          fallback: 'kustomization/podinfo.apps: Health check failed',
          color: 'danger',
          author_name: 'kustomization/podinfo.apps',
          text: 'Health check failed\nsecond line',
          mrkdwn_in: ['text'],
          fields: [
            { title: 'revision', value: `main@sha1:${SHA}`, short: false },
            { title: 'summary', value: 'prod cluster', short: false },
          ],
        },
      ],
    });
  });

  it('discord: Slack payload to <address>/slack, no channel or fallback', async () => {
    await discord(event(), target('discord', `${sink.url}/api/webhooks/1/abc`, { username: 'flux' }));
    const req = only();
    assert.equal(req.path, '/api/webhooks/1/abc/slack');
    const body = JSON.parse(req.body) as SlackPayload;
    assert.equal(body.username, 'flux');
    assert.equal(body.channel, '');
    assert.equal(body.attachments[0]!.fallback, '');
    assert.equal(body.attachments[0]!.color, 'good');
  });

  it('rocket: Slack payload in Flux blue, channel and username as configured', async () => {
    await rocket(event(), target('rocket', sink.url, { channel: 'ops', username: 'bot' }));
    const body = JSON.parse(only().body) as SlackPayload;
    assert.equal(body.channel, 'ops');
    assert.equal(body.username, 'bot');
    assert.equal(body.attachments[0]!.color, '#0076D7');
  });

  it('msteams: an Adaptive Card with the summary fact first', async () => {
    await msteams(event({ severity: 'error' }), target('msteams', sink.url));
    assert.deepEqual(JSON.parse(only().body), {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'Container',
                items: [
                  {
                    type: 'TextBlock',
                    text: 'kustomization/podinfo.apps',
                    size: 'large',
                    weight: 'bolder',
                    wrap: true,
                  },
                  { type: 'TextBlock', text: `Applied revision: main@sha1:${SHA}`, wrap: true, color: 'attention' },
                  {
                    type: 'FactSet',
                    facts: [
                      { title: 'summary', value: 'prod cluster' },
                      { title: 'revision', value: `main@sha1:${SHA}` },
                    ],
                  },
                ],
              },
            ],
            msteams: { width: 'Full' },
          },
        },
      ],
    });
  });

  it('msteams: the legacy MessageCard, chosen for Office 365 connector hosts', () => {
    // Those hosts cannot be reached from a test; the payload builder is what differs.
    assert.deepEqual(messageCardPayload(event()), {
      '@type': 'MessageCard',
      '@context': 'http://schema.org/extensions',
      themeColor: '0076D7',
      summary: 'kustomization/podinfo.apps',
      sections: [
        {
          activityTitle: `Applied revision: main@sha1:${SHA}`,
          activitySubtitle: 'kustomization/podinfo.apps',
          facts: [
            { name: 'revision', value: `main@sha1:${SHA}` },
            { name: 'summary', value: 'prod cluster' },
          ],
        },
      ],
    });
  });

  it('googlechat: a card with the message and one key/value widget per metadata entry', async () => {
    await googlechat(event({ severity: 'error', message: 'boom' }), target('googlechat', sink.url));
    const kv = (topLabel: string, content: string) => ({
      textParagraph: null,
      keyValue: { topLabel, content, contentMultiline: false, bottomLabel: null, icon: null },
    });
    assert.deepEqual(JSON.parse(only().body), {
      cards: [
        {
          header: {
            title: 'kustomization/podinfo.apps',
            subtitle: 'kustomize-controller',
            imageUrl: null,
            imageStyle: null,
          },
          sections: [
            { header: '', widgets: [{ textParagraph: { text: '<font color="#ff0000">boom</font>' }, keyValue: null }] },
            { header: '', widgets: [kv('revision', `main@sha1:${SHA}`), kv('summary', 'prod cluster')] },
          ],
        },
      ],
    });
  });

  it('webex: Markdown to the room in channel with the bot token', async () => {
    await webex(event(), target('webex', sink.url, { channel: 'room-1', token: 'webex-bot-token' }));
    const req = only();
    assert.equal(req.headers.authorization, 'Bearer webex-bot-token');
    assert.deepEqual(JSON.parse(req.body), {
      roomId: 'room-1',
      markdown: `✅ **kustomization/podinfo.apps**\nApplied revision: main@sha1:${SHA}\n>**revision**: main@sha1:${SHA}\n>**summary**: prod cluster\n`,
    });
  });
});

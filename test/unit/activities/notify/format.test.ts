import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitCamelCase, statusNameAndDescription } from '../../../../activities/notify/format.js';
import { commitSha, hashOfRevision, parseGitAddress } from '../../../../activities/notify/providers/commit-status.js';
import { discordSlackUrl } from '../../../../activities/notify/providers/discord.js';
import { event, SHA, target } from './fixtures.js';

describe('Flux text helpers', () => {
  const words: [string, string[]][] = [
    ['ReconciliationSucceeded', ['Reconciliation', 'Succeeded']],
    ['HealthCheckFailed', ['Health', 'Check', 'Failed']],
    ['PDFLoader', ['PDF', 'Loader']],
    ['Progressing', ['Progressing']],
    ['Upgrade2Failed', ['Upgrade', '2', 'Failed']],
  ];
  for (const [src, want] of words) it(`splitCamelCase(${src})`, () => assert.deepEqual(splitCamelCase(src), want));

  it('commit status name and description', () => {
    assert.deepEqual(statusNameAndDescription(event({ reason: 'HealthCheckFailed' })), {
      name: 'kustomization/podinfo',
      description: 'health check failed',
    });
  });

  const revisions: [string, string][] = [
    [`main@sha1:${SHA}`, SHA],
    [`feature/x@sha1:${SHA}`, SHA],
    [`sha1:${SHA}`, SHA],
    [`main/${SHA}`, SHA],
    [SHA, SHA],
  ];
  for (const [rev, sha] of revisions) it(`hash of ${rev}`, () => assert.equal(hashOfRevision(rev), sha));

  it('commitSha prefers commit, then originRevision, then revision', () => {
    const t = target('github', 'https://github.com/o/r');
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    assert.equal(commitSha(event({ metadata: { revision: `main@sha1:${SHA}`, originRevision: `sha1:${a}` } }), t), a);
    assert.equal(commitSha(event({ metadata: { revision: `main@sha1:${SHA}`, originRevision: a, commit: b } }), t), b);
  });

  const addresses: [string, { host: string; id: string }][] = [
    ['https://github.com/org/app', { host: 'https://github.com', id: 'org/app' }],
    ['https://github.com/org/app.git', { host: 'https://github.com', id: 'org/app' }],
    ['ssh://git@github.com/org/app.git', { host: 'https://github.com', id: 'org/app' }],
    ['git@gitlab.com:group/sub/app.git', { host: 'https://gitlab.com', id: 'group/sub/app' }],
    ['http://127.0.0.1:3000/org/app', { host: 'http://127.0.0.1:3000', id: 'org/app' }],
  ];
  for (const [address, want] of addresses) {
    it(`parseGitAddress(${address})`, () => assert.deepEqual(parseGitAddress(target('github', address)), want));
  }

  it('discord webhook gets /slack once', () => {
    assert.equal(
      discordSlackUrl(new URL('https://discord.com/api/webhooks/1/t')),
      'https://discord.com/api/webhooks/1/t/slack'
    );
    assert.equal(
      discordSlackUrl(new URL('https://discord.com/api/webhooks/1/t/slack')),
      'https://discord.com/api/webhooks/1/t/slack'
    );
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { azuredevops } from '../../../../activities/notify/providers/azuredevops.js';
import { bitbucket } from '../../../../activities/notify/providers/bitbucket.js';
import { bitbucketserver } from '../../../../activities/notify/providers/bitbucketserver.js';
import { gitea } from '../../../../activities/notify/providers/gitea.js';
import { github } from '../../../../activities/notify/providers/github.js';
import { gitlab } from '../../../../activities/notify/providers/gitlab.js';
import { startHttpSink, type HttpSink, type ReceivedRequest } from '../../../../tools/localenv/http-sink.js';
import { event, SHA, target } from './fixtures.js';

const CONTEXT = 'kustomization/podinfo/0c9c2e41';
const KEY = createHash('sha1').update(CONTEXT).digest('hex');
const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

// Each provider talks to a loopback server standing in for the Git host's API: the paths, the
// SHA parsed from the revision metadata, the auth headers and bodies are those of the host's
// documented API as Flux's notifiers call it.
describe('commit status providers', () => {
  let sink: HttpSink;
  before(async () => (sink = await startHttpSink()));
  after(async () => sink?.close());
  beforeEach(() => {
    sink.requests.length = 0;
    sink.answer((req) => (req.method === 'GET' ? { status: 200, body: '[]' } : { status: 201, body: '{}' }));
  });
  const posted = (): ReceivedRequest => {
    const posts = sink.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1, `one POST, got ${sink.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    return posts[0]!;
  };

  it('github: lists then creates the status on the revision SHA (Enterprise API path)', async () => {
    await github(event(), target('github', `${sink.url}/org/app.git`, { token: 'ghp_secret' }));
    assert.equal(sink.requests[0]!.method, 'GET');
    assert.equal(sink.requests[0]!.path, `/api/v3/repos/org/app/commits/${SHA}/statuses?per_page=50`);
    const req = posted();
    assert.equal(req.path, `/api/v3/repos/org/app/statuses/${SHA}`);
    assert.equal(req.headers.authorization, 'Bearer ghp_secret');
    assert.deepEqual(JSON.parse(req.body), {
      state: 'success',
      description: 'reconciliation succeeded',
      context: CONTEXT,
    });
  });

  it('github: an error event is a failure status; the SHA comes from the commit key first', async () => {
    const other = 'a'.repeat(40);
    await github(
      event({
        severity: 'error',
        reason: 'HealthCheckFailed',
        metadata: { revision: `main@sha1:${SHA}`, commit: other },
      }),
      target('github', `${sink.url}/org/app`, { password: 'ghp_from_password' })
    );
    const req = posted();
    assert.equal(req.path, `/api/v3/repos/org/app/statuses/${other}`);
    assert.equal(req.headers.authorization, 'Bearer ghp_from_password');
    const body = JSON.parse(req.body) as { state: string; description: string };
    assert.equal(body.state, 'failure');
    assert.equal(body.description, 'health check failed');
  });

  it('github: an unchanged status is not set again; Progressing sets none', async () => {
    sink.answer((req) =>
      req.method === 'GET'
        ? {
            status: 200,
            body: JSON.stringify([{ context: CONTEXT, state: 'success', description: 'reconciliation succeeded' }]),
          }
        : { status: 201 }
    );
    const t = target('github', `${sink.url}/org/app`, { token: 't0ken' });
    assert.equal((await github(event(), t)).outcome, 'skipped');
    assert.equal((await github(event({ reason: 'Progressing' }), t)).outcome, 'skipped');
    assert.equal(sink.requests.filter((r) => r.method === 'POST').length, 0);
  });

  it('github: a revision without a SHA is a clear non-retryable error', async () => {
    await assert.rejects(
      github(event({ metadata: { revision: 'v1.2.3' } }), target('github', `${sink.url}/org/app`, { token: 't0ken' })),
      (err: Error & { nonRetryable?: boolean }) =>
        /failed to extract commit hash from 'v1.2.3'/.test(err.message) && err.nonRetryable === true
    );
  });

  it('gitlab: sets the status on the URL-encoded project with PRIVATE-TOKEN', async () => {
    await gitlab(
      event({ severity: 'error', reason: 'ReconciliationFailed' }),
      target('gitlab', `${sink.url}/group/sub/app.git`, { token: 'glpat-x' })
    );
    assert.equal(
      sink.requests[0]!.path,
      `/api/v4/projects/group%2Fsub%2Fapp/repository/commits/${SHA}/statuses?name=${encodeURIComponent(CONTEXT)}`
    );
    const req = posted();
    assert.equal(req.path, `/api/v4/projects/group%2Fsub%2Fapp/statuses/${SHA}`);
    assert.equal(req.headers['private-token'], 'glpat-x');
    assert.deepEqual(JSON.parse(req.body), { state: 'failed', name: CONTEXT, description: 'reconciliation failed' });
  });

  it('gitea: pending for Progressing, token auth, API v1 path', async () => {
    await gitea(event({ reason: 'Progressing' }), target('gitea', `${sink.url}/org/app`, { token: 'gitea-tok' }));
    assert.equal(sink.requests[0]!.path, `/api/v1/repos/org/app/statuses/${SHA}?page=0&limit=50`);
    const req = posted();
    assert.equal(req.path, `/api/v1/repos/org/app/statuses/${SHA}`);
    assert.equal(req.headers.authorization, 'token gitea-tok');
    assert.deepEqual(JSON.parse(req.body), {
      state: 'pending',
      target_url: '',
      description: 'progressing',
      context: CONTEXT,
    });
  });

  it('bitbucket: build status keyed by sha1(context), basic auth from user:password', async () => {
    sink.answer((req) => (req.method === 'GET' ? { status: 404, body: '{"type":"error"}' } : { status: 201 }));
    const t = target('bitbucket', 'https://bitbucket.org/owner/repo.git', { token: 'user:app-pass' });
    await bitbucket(event(), { ...t, apiUrls: { bitbucket: `${sink.url}/2.0` } });
    assert.equal(sink.requests[0]!.path, `/2.0/repositories/owner/repo/commit/${SHA}/statuses/build/${KEY}`);
    const req = posted();
    assert.equal(req.path, `/2.0/repositories/owner/repo/commit/${SHA}/statuses/build`);
    assert.equal(req.headers.authorization, basic('user:app-pass'));
    assert.deepEqual(JSON.parse(req.body), {
      state: 'SUCCESSFUL',
      key: KEY,
      name: 'kustomization/podinfo',
      description: 'reconciliation succeeded',
      url: 'https://bitbucket.org',
    });
  });

  it('bitbucketserver: builds API under the context path, Bearer token and Atlassian headers', async () => {
    sink.answer((req) => (req.method === 'GET' ? { status: 404 } : { status: 204 }));
    const address = `${sink.url}/bitbucket/scm/PROJ/app.git`;
    await bitbucketserver(
      event({ severity: 'error', reason: 'HealthCheckFailed' }),
      target('bitbucketserver', address, { token: 'bb-token' })
    );
    assert.equal(
      sink.requests[0]!.path,
      `/bitbucket/rest/api/latest/projects/PROJ/repos/app/commits/${SHA}/builds?key=${KEY}`
    );
    const req = posted();
    assert.equal(req.path, `/bitbucket/rest/api/latest/projects/PROJ/repos/app/commits/${SHA}/builds`);
    assert.equal(req.headers.authorization, 'Bearer bb-token');
    assert.equal(req.headers['x-atlassian-token'], 'no-check');
    assert.deepEqual(JSON.parse(req.body), {
      key: KEY,
      state: 'FAILED',
      url: address,
      description: 'health check failed',
      name: 'kustomization/podinfo [health check failed]',
    });
  });

  it('azuredevops: commit status with genre fluxcd:<summary> and a PAT as basic auth', async () => {
    sink.answer((req) => (req.method === 'GET' ? { status: 200, body: '{"count":0,"value":[]}' } : { status: 201 }));
    await azuredevops(event(), target('azuredevops', `${sink.url}/org/proj/_git/repo`, { token: 'ado-pat' }));
    const path = `/org/proj/_apis/git/repositories/repo/commits/${SHA}/statuses?api-version=6.0`;
    assert.equal(sink.requests[0]!.path, path);
    const req = posted();
    assert.equal(req.path, path);
    assert.equal(req.headers.authorization, basic(':ado-pat'));
    assert.deepEqual(JSON.parse(req.body), {
      state: 'succeeded',
      description: 'reconciliation succeeded',
      context: { genre: 'fluxcd:prod cluster', name: CONTEXT },
    });
  });
});

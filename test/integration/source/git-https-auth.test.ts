import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Reason } from '../../../api/reasons.js';
import {
  fetchGitRevision,
  GitAuthError,
  lsRemoteRevision,
  type GitCredentials,
} from '../../../activities/source/git.js';
import {
  createGitFixture,
  startGitHttpServer,
  type GitFixture,
  type GitHttpServer,
} from '../../support/git-http-server.js';

const USERNAME = 'ballast';
const PASSWORD = 'correct-horse-battery-staple';
const TOKEN = 'tok_7f3a9c1e5b2d4f6a8c0e';

/** Every string a leak could take: the raw secrets and their Basic-auth encodings. */
function leakForms(creds: GitCredentials): string[] {
  const forms = [creds.password, creds.bearerToken].filter((v): v is string => !!v);
  if (creds.password) forms.push(Buffer.from(`${creds.username}:${creds.password}`).toString('base64'));
  return forms;
}

function assertNoLeak(err: unknown, creds: GitCredentials): void {
  const e = err as Error;
  const texts = [e.message, e.stack ?? '', String(e), JSON.stringify(e)];
  for (const secret of leakForms(creds)) {
    for (const text of texts) assert.ok(!text.includes(secret), `secret leaked into: ${text}`);
  }
}

describe('HTTPS credentials against a real smart-HTTP server', () => {
  let fx: GitFixture;
  let server: GitHttpServer;
  let url: string;
  let head: string;
  const dirs: string[] = [];

  before(async () => {
    fx = await createGitFixture();
    head = await fx.commit({ 'app.yaml': 'kind: ConfigMap\n' });
    await fx.pushAll();
    server = await startGitHttpServer({
      projectRoot: fx.projectRoot,
      basic: { username: USERNAME, password: PASSWORD },
      bearerToken: TOKEN,
    });
    url = `${server.url}/${fx.repoName}`;
  });
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await server?.close();
    await fx?.cleanup();
  });

  it('the right username and password fetch the branch', async () => {
    const credentials = { username: USERNAME, password: PASSWORD };
    const r = await fetchGitRevision({ url, ref: { branch: 'main' }, credentials });
    dirs.push(r.dir);
    assert.equal(r.revision, `main@sha1:${head}`);
    assert.equal(await readFile(path.join(r.dir, 'app.yaml'), 'utf8'), 'kind: ConfigMap\n');
    const basic = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
    assert.ok(server.authorizations.includes(basic), 'the server saw Basic auth');
  });

  it('leaves no credential in the checkout', async () => {
    const credentials = { username: USERNAME, password: PASSWORD };
    const r = await fetchGitRevision({ url, ref: { branch: 'main' }, credentials });
    dirs.push(r.dir);
    const gitDir = path.join(r.dir, '.git');
    for (const name of await readdir(gitDir)) {
      if (!name.endsWith('HEAD') && name !== 'config') continue;
      const text = await readFile(path.join(gitDir, name), 'utf8');
      for (const secret of leakForms(credentials)) assert.ok(!text.includes(secret), `secret in .git/${name}`);
    }
  });

  it('ls-remote with the right password resolves the same commit without a checkout', async () => {
    const r = await lsRemoteRevision({
      url,
      ref: { branch: 'main' },
      credentials: { username: USERNAME, password: PASSWORD },
    });
    assert.deepEqual(r, { commit: head, revision: `main@sha1:${head}`, refName: 'refs/heads/main' });
  });

  it('a bearer token works', async () => {
    const r = await lsRemoteRevision({ url, ref: { branch: 'main' }, credentials: { bearerToken: TOKEN } });
    assert.equal(r.commit, head);
    assert.ok(server.authorizations.includes(`Bearer ${TOKEN}`));
  });

  const refused: [string, GitCredentials | undefined][] = [
    ['a wrong password', { username: USERNAME, password: 'Tr0ub4dor&3-wrong' }],
    ['a wrong bearer token', { bearerToken: 'tok_wrong_0123456789abcdef' }],
    ['no credentials', undefined],
  ];
  for (const [what, credentials] of refused) {
    it(`${what}: GitAuthError (permanent, AuthenticationFailed) with no secret in it`, async () => {
      for (const call of [
        () => fetchGitRevision({ url, ref: { branch: 'main' }, credentials }),
        () => lsRemoteRevision({ url, ref: { branch: 'main' }, credentials }),
      ]) {
        await assert.rejects(call(), (err: unknown) => {
          assert.ok(err instanceof GitAuthError, String(err));
          assert.equal(err.permanent, true);
          assert.equal(err.reason, Reason.AuthenticationFailed);
          assert.match(err.message, new RegExp(`authentication to ${url} failed: .*spec\\.secretRef`));
          if (credentials) assertNoLeak(err, credentials);
          return true;
        });
      }
    });
  }

  it('a username without a password is refused before any request', async () => {
    const before = server.authorizations.length;
    await assert.rejects(lsRemoteRevision({ url, credentials: { username: USERNAME } }), GitAuthError);
    assert.equal(server.authorizations.length, before);
  });
});

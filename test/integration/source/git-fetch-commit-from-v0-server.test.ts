import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchGitRevision, GitNotFoundError } from '../../../activities/source/git.js';
import {
  createGitFixture,
  startGitHttpServer,
  type GitFixture,
  type GitHttpServer,
} from '../../support/git-http-server.js';

describe('a commit that is no branch tip, from a server that only serves advertised refs (protocol v0)', () => {
  let fx: GitFixture;
  let server: GitHttpServer;
  let url: string;
  let first: string;
  let tip: string;
  const dirs: string[] = [];

  before(async () => {
    fx = await createGitFixture();
    first = await fx.commit({ 'app.yaml': 'v: 1\n' });
    tip = await fx.commit({ 'app.yaml': 'v: 2\n' });
    await fx.pushAll();
    server = await startGitHttpServer({ projectRoot: fx.projectRoot, protocolV0: true });
    url = `${server.url}/${fx.repoName}`;
  });
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await server?.close();
    await fx?.cleanup();
  });

  it('is fetched through its branch history instead', async () => {
    const r = await fetchGitRevision({ url, ref: { commit: first, branch: 'main' } });
    dirs.push(r.dir);
    assert.equal(r.commit, first);
    assert.equal(r.revision, `main@sha1:${first}`);
    assert.equal(await readFile(path.join(r.dir, 'app.yaml'), 'utf8'), 'v: 1\n');
  });

  it('is fetched through all branches when no branch is given', async () => {
    const r = await fetchGitRevision({ url, ref: { commit: first } });
    dirs.push(r.dir);
    assert.equal(r.revision, `sha1:${first}`);
  });

  it('the tip itself still works with a shallow fetch', async () => {
    const r = await fetchGitRevision({ url, ref: { commit: tip } });
    dirs.push(r.dir);
    assert.equal(r.commit, tip);
  });

  it('a commit the repository does not have is GitNotFoundError', async () => {
    await assert.rejects(fetchGitRevision({ url, ref: { commit: 'e'.repeat(40) } }), (err: unknown) => {
      assert.ok(err instanceof GitNotFoundError, String(err));
      assert.match(err.message, new RegExp(`commit e{40} not found in ${url}`));
      return true;
    });
  });
});

import assert from 'node:assert/strict';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchGitRevision, GitNotFoundError, type GitFetchInput } from '../../../activities/source/git.js';
import { createGitFixture, runGit, type GitFixture } from '../../support/git-http-server.js';

/**
 * Upstream history:
 *   main:    c1 ── c2 ── c3        (v0.9.0 → c1, v1.0.0 annotated → c2, v1.2.0 → c3, v2.0.0 → c3)
 *   feature: c1 ── f1
 *   refs/pull/1/head → f1, refs/heads/x → f1
 */
describe('fetchGitRevision checks out what spec.ref selects', () => {
  let fx: GitFixture;
  const c: Record<string, string> = {};
  const dirs: string[] = [];

  before(async () => {
    fx = await createGitFixture();
    c.c1 = await fx.commit({ 'app.yaml': 'v: 1\n' }, 'c1');
    await fx.git('tag', 'v0.9.0');
    c.c2 = await fx.commit({ 'app.yaml': 'v: 2\n' }, 'c2');
    await fx.git('tag', '-a', 'v1.0.0', '-m', 'release 1.0.0');
    c.c3 = await fx.commit({ 'app.yaml': 'v: 3\n' }, 'c3');
    await fx.git('tag', 'v1.2.0');
    await fx.git('tag', 'v2.0.0');
    await fx.git('checkout', '--quiet', '-b', 'feature', c.c1);
    c.f1 = await fx.commit({ 'app.yaml': 'v: feature\n' }, 'f1');
    await fx.git('checkout', '--quiet', 'main');
    await fx.pushAll();
    await fx.git('push', '--quiet', 'origin', `${c.f1}:refs/pull/1/head`, `${c.f1}:refs/heads/x`);
  });
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  });

  async function fetch(
    ref: GitFetchInput['ref']
  ): Promise<{ commit: string; revision: string; refName?: string; content: string; dir: string }> {
    const result = await fetchGitRevision({ url: fx.fileUrl, ref, allowLocal: true });
    dirs.push(result.dir);
    const content = await readFile(path.join(result.dir, 'app.yaml'), 'utf8');
    return { ...result, content };
  }

  it('a branch: its tip, revision <branch>@sha1:<commit>, shallow', async () => {
    const r = await fetch({ branch: 'main' });
    assert.equal(r.commit, c.c3);
    assert.equal(r.revision, `main@sha1:${c.c3}`);
    assert.equal(r.refName, 'refs/heads/main');
    assert.equal(r.content, 'v: 3\n');
    assert.equal(await runGit(r.dir, 'rev-parse', '--is-shallow-repository'), 'true');
  });

  it('another branch', async () => {
    const r = await fetch({ branch: 'feature' });
    assert.equal(r.revision, `feature@sha1:${c.f1}`);
    assert.equal(r.content, 'v: feature\n');
  });

  it('an annotated tag: the commit it points at, revision <tag>@sha1:<commit>', async () => {
    const r = await fetch({ tag: 'v1.0.0' });
    assert.equal(r.commit, c.c2);
    assert.equal(r.revision, `v1.0.0@sha1:${c.c2}`);
    assert.equal(r.refName, 'refs/tags/v1.0.0');
    assert.equal(r.content, 'v: 2\n');
  });

  it('a semver range picks the highest matching tag', async () => {
    const r = await fetch({ semver: '>=1.0.0 <2.0.0' });
    assert.equal(r.revision, `v1.2.0@sha1:${c.c3}`);
    assert.equal(r.refName, 'refs/tags/v1.2.0');
  });

  it('semver takes precedence over tag and branch', async () => {
    const r = await fetch({ semver: '<1.0.0', tag: 'v2.0.0', branch: 'feature' });
    assert.equal(r.revision, `v0.9.0@sha1:${c.c1}`);
  });

  it('a commit that is not a branch tip: revision sha1:<commit>', async () => {
    const r = await fetch({ commit: c.c2 as string });
    assert.equal(r.commit, c.c2);
    assert.equal(r.revision, `sha1:${c.c2}`);
    assert.equal(r.refName, undefined);
    assert.equal(r.content, 'v: 2\n');
  });

  it('a commit qualified by a branch: revision <branch>@sha1:<commit>', async () => {
    const r = await fetch({ commit: c.c1 as string, branch: 'main' });
    assert.equal(r.revision, `main@sha1:${c.c1}`);
    assert.equal(r.content, 'v: 1\n');
  });

  it('a full ref name (refs/pull/1/head): revision <name>@sha1:<commit>', async () => {
    const r = await fetch({ name: 'refs/pull/1/head', branch: 'main' });
    assert.equal(r.revision, `refs/pull/1/head@sha1:${c.f1}`);
    assert.equal(r.content, 'v: feature\n');
  });

  it('a full ref name under refs/heads', async () => {
    const r = await fetch({ name: 'refs/heads/x' });
    assert.equal(r.revision, `refs/heads/x@sha1:${c.f1}`);
  });

  it('no ref: branch master, as Flux defaults', async () => {
    await assert.rejects(fetch(undefined), (err: unknown) => {
      assert.ok(err instanceof GitNotFoundError);
      assert.match(err.message, /branch "master" not found in file:\/\//);
      return true;
    });
  });

  it('an unknown branch is GitNotFoundError naming the branch and the repository', async () => {
    await assert.rejects(fetch({ branch: 'nope' }), (err: unknown) => {
      assert.ok(err instanceof GitNotFoundError, String(err));
      assert.equal(err.permanent, true);
      assert.match(err.message, new RegExp(`branch "nope" not found in ${fx.fileUrl}`));
      return true;
    });
  });

  it('an unknown tag, a semver range nothing matches and an unknown commit are GitNotFoundError', async () => {
    await assert.rejects(fetch({ tag: 'v9.9.9' }), GitNotFoundError);
    await assert.rejects(fetch({ semver: '>=5.0.0' }), /no tag in .* matches semver range ">=5.0.0"/);
    await assert.rejects(fetch({ commit: 'f'.repeat(40) }), GitNotFoundError);
  });

  it('a missing repository is GitNotFoundError', async () => {
    const input = { url: `${fx.fileUrl}-missing`, ref: { branch: 'main' }, allowLocal: true };
    await assert.rejects(fetchGitRevision(input), GitNotFoundError);
  });

  it('checks out into the given directory, and empties it again on failure', async () => {
    const dir = path.join(fx.root, 'given-checkout');
    dirs.push(dir);
    const r = await fetchGitRevision({ url: fx.fileUrl, ref: { branch: 'main' }, dir, allowLocal: true });
    assert.equal(r.dir, dir);
    assert.equal(await readFile(path.join(dir, 'app.yaml'), 'utf8'), 'v: 3\n');
    await rm(dir, { recursive: true });
    await assert.rejects(fetchGitRevision({ url: fx.fileUrl, ref: { branch: 'nope' }, dir, allowLocal: true }));
    await assert.rejects(stat(dir), { code: 'ENOENT' });
  });

  it('refuses a non-empty checkout directory', async () => {
    await assert.rejects(
      fetchGitRevision({ url: fx.fileUrl, ref: { branch: 'main' }, dir: fx.work, allowLocal: true }),
      /is not empty/
    );
    assert.ok((await readdir(fx.work)).includes('app.yaml'));
  });
});

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { GitRepositoryRef } from '../../../api/gitrepository.js';
import { fetchGitRevision, GitNotFoundError, lsRemoteRevision } from '../../../activities/source/git.js';
import { createGitFixture, type GitFixture } from '../../support/git-http-server.js';

describe('lsRemoteRevision resolves what fetchGitRevision checks out, without cloning', () => {
  let fx: GitFixture;
  let old: string;

  before(async () => {
    fx = await createGitFixture();
    old = await fx.commit({ 'a.yaml': '1' });
    await fx.git('tag', '-a', 'v1.0.0', '-m', 'annotated');
    await fx.commit({ 'a.yaml': '2' });
    await fx.git('tag', 'v1.1.0');
    await fx.git('branch', 'release');
    await fx.commit({ 'a.yaml': '3' });
    await fx.pushAll();
    await fx.git('push', '--quiet', 'origin', 'HEAD:refs/pull/7/head');
  });
  after(() => fx.cleanup());

  const refs: GitRepositoryRef[] = [
    { branch: 'main' },
    { branch: 'release' },
    { tag: 'v1.0.0' },
    { tag: 'v1.1.0' },
    { semver: '^1.0.0' },
    { semver: '1.0.x' },
    { name: 'refs/pull/7/head' },
  ];
  for (const ref of refs) {
    it(`same commit, revision and ref for ${JSON.stringify(ref)}`, async () => {
      const remote = await lsRemoteRevision({ url: fx.fileUrl, ref, allowLocal: true });
      const fetched = await fetchGitRevision({ url: fx.fileUrl, ref, allowLocal: true });
      await rm(fetched.dir, { recursive: true, force: true });
      assert.deepEqual(remote, { commit: fetched.commit, revision: fetched.revision, refName: fetched.refName });
    });
  }

  it('follows the branch when it moves', async () => {
    const before = await lsRemoteRevision({ url: fx.fileUrl, ref: { branch: 'release' }, allowLocal: true });
    const moved = await fx.commit({ 'a.yaml': '4' });
    await fx.git('push', '--quiet', 'origin', 'HEAD:refs/heads/release');
    const after = await lsRemoteRevision({ url: fx.fileUrl, ref: { branch: 'release' }, allowLocal: true });
    assert.notEqual(after.commit, before.commit);
    assert.equal(after.revision, `release@sha1:${moved}`);
  });

  it('answers a commit ref without contacting the remote (a commit never moves)', async () => {
    const url = `${fx.fileUrl}-does-not-exist`;
    assert.deepEqual(await lsRemoteRevision({ url, ref: { commit: old }, allowLocal: true }), {
      commit: old,
      revision: `sha1:${old}`,
    });
  });

  it('an unknown branch is GitNotFoundError', async () => {
    await assert.rejects(
      lsRemoteRevision({ url: fx.fileUrl, ref: { branch: 'nope' }, allowLocal: true }),
      (err: unknown) => err instanceof GitNotFoundError && /branch "nope" not found in file:/.test(err.message)
    );
  });

  it('a missing repository is GitNotFoundError', async () => {
    await assert.rejects(
      lsRemoteRevision({ url: `${fx.fileUrl}-missing`, ref: { branch: 'main' }, allowLocal: true }),
      GitNotFoundError
    );
  });
});

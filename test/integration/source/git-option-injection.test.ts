import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  fetchGitRevision,
  GitInvalidRefError,
  GitInvalidUrlError,
  lsRemoteRevision,
} from '../../../activities/source/git.js';
import { createGitFixture, type GitFixture } from '../../support/git-http-server.js';

/**
 * URLs and refs crafted to make git run a program or read local files. Each would create the
 * canary file if it reached git unchecked; each must be refused before any git command runs.
 */
describe('option and transport injection through spec.url and spec.ref is refused', () => {
  let fx: GitFixture;
  let canaryDir: string;

  before(async () => {
    fx = await createGitFixture();
    await fx.commit({ 'a.yaml': '1' });
    await fx.pushAll();
    canaryDir = await mkdtemp(path.join(tmpdir(), 'ballast-canary-'));
  });
  after(async () => {
    await rm(canaryDir, { recursive: true, force: true });
    await fx.cleanup();
  });

  const canary = (): string => path.join(canaryDir, 'pwned');
  const urls = (): string[] => [
    `--upload-pack=touch ${canary()}`,
    `-u touch ${canary()}`,
    `ext::sh -c touch% ${canary()}`,
    'fd::0',
    `file::${fx.fileUrl}`,
    `transport::https://example.com/repo`,
    fx.fileUrl.replace('file://', ''),
    `ssh://-oProxyCommand=touch%20${canary()}/repo`,
    `git@-oProxyCommand=touch:repo`,
    'git://example.com/repo.git',
    'https://user:secret-password@example.com/repo.git',
  ];

  it('refuses each crafted URL with GitInvalidUrlError, runs nothing, leaks no password', async () => {
    for (const url of urls()) {
      for (const call of [
        () => fetchGitRevision({ url, ref: { branch: 'main' }, allowLocal: true }),
        () => lsRemoteRevision({ url, ref: { branch: 'main' }, allowLocal: true }),
      ]) {
        await assert.rejects(call(), (err: unknown) => {
          assert.ok(err instanceof GitInvalidUrlError, `${url}: ${String(err)}`);
          assert.equal(err.permanent, true);
          assert.ok(!err.message.includes('secret-password'), err.message);
          return true;
        });
      }
    }
    assert.deepEqual(await readdir(canaryDir), []);
  });

  it('refuses file:// unless allowLocal is set', async () => {
    await assert.rejects(fetchGitRevision({ url: fx.fileUrl, ref: { branch: 'main' } }), GitInvalidUrlError);
    await assert.rejects(lsRemoteRevision({ url: fx.fileUrl }), /file:\/\/ URLs are not allowed/);
  });

  it('refuses refs that would be read as options or change a refspec', async () => {
    const refs = [
      { branch: `--upload-pack=touch ${canary()}` },
      { tag: '-q' },
      { branch: 'main:refs/heads/evil' },
      { branch: 'refs/*' },
      { name: 'refs/heads/../../config' },
      { name: 'HEAD' },
      { commit: 'main' },
      { semver: 'not a range' },
    ];
    for (const ref of refs) {
      await assert.rejects(
        fetchGitRevision({ url: fx.fileUrl, ref, allowLocal: true }),
        GitInvalidRefError,
        JSON.stringify(ref)
      );
    }
    assert.deepEqual(await readdir(canaryDir), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GitRepositoryRef } from '../../../../api/gitrepository.js';
import { GitInvalidRefError } from '../../../../activities/source/git-errors.js';
import {
  formatGitRevision,
  gitTarget,
  parseLsRemote,
  pickSemverTag,
  type GitTarget,
} from '../../../../activities/source/git-ref.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('gitTarget applies Flux precedence: commit > name > semver > tag > branch', () => {
  const table: [GitRepositoryRef | undefined, GitTarget][] = [
    [undefined, { kind: 'branch', branch: 'master' }],
    [{}, { kind: 'branch', branch: 'master' }],
    [{ branch: '' }, { kind: 'branch', branch: 'master' }],
    [{ branch: 'main' }, { kind: 'branch', branch: 'main' }],
    [
      { branch: 'main', tag: 'v1' },
      { kind: 'tag', tag: 'v1' },
    ],
    [
      { tag: 'v1', semver: '^1' },
      { kind: 'semver', range: '^1' },
    ],
    [
      { semver: '^1', name: 'refs/pull/1/head' },
      { kind: 'name', refName: 'refs/pull/1/head' },
    ],
    [
      { name: 'refs/pull/1/head', commit: SHA },
      { kind: 'commit', commit: SHA },
    ],
    [
      { branch: 'main', commit: SHA.toUpperCase() },
      { kind: 'commit', commit: SHA, branch: 'main' },
    ],
  ];
  for (const [ref, want] of table) {
    it(`${JSON.stringify(ref)} → ${want.kind}`, () => assert.deepEqual(gitTarget(ref), want));
  }

  const invalid: GitRepositoryRef[] = [
    { commit: 'abc123' },
    { commit: SHA, branch: '-x' },
    { name: 'pull/1/head' },
    { name: 'refs/heads/a..b' },
    { semver: '>=>=1' },
    { tag: 'v1:evil' },
    { tag: 'v1 2' },
    { branch: 'feat/' },
    { branch: 'x.lock' },
    { branch: 'a/.hidden' },
    { branch: 'a@{1}' },
    { branch: 'a*' },
  ];
  for (const ref of invalid) {
    it(`refuses ${JSON.stringify(ref)}`, () => assert.throws(() => gitTarget(ref), GitInvalidRefError));
  }
});

describe('formatGitRevision writes RFC-0005 revisions', () => {
  const table: [GitTarget, string][] = [
    [{ kind: 'branch', branch: 'main' }, `main@sha1:${SHA}`],
    [{ kind: 'tag', tag: 'v1.0.0' }, `v1.0.0@sha1:${SHA}`],
    [{ kind: 'name', refName: 'refs/pull/1/head' }, `refs/pull/1/head@sha1:${SHA}`],
    [{ kind: 'commit', commit: SHA }, `sha1:${SHA}`],
    [{ kind: 'commit', commit: SHA, branch: 'main' }, `main@sha1:${SHA}`],
  ];
  for (const [target, want] of table) {
    it(want.replace(SHA, '<sha>'), () => assert.equal(formatGitRevision(target, SHA), want));
  }

  it('labels SHA-256 object names sha256', () => {
    assert.equal(
      formatGitRevision({ kind: 'branch', branch: 'main' }, 'a'.repeat(64)),
      `main@sha256:${'a'.repeat(64)}`
    );
  });
});

describe('pickSemverTag picks the highest tag in range', () => {
  const tags = ['v0.9.0', 'v1.0.0', '1.1.0', 'v1.2.0', 'v1.3.0-rc.1', 'v2.0.0', 'latest', 'release-3'];
  const table: [string, string | undefined][] = [
    ['>=1.0.0 <2.0.0', 'v1.2.0'],
    ['^1.0.0', 'v1.2.0'],
    ['~1.1', '1.1.0'],
    ['*', 'v2.0.0'],
    ['>=1.3.0-rc.0 <1.4.0', 'v1.3.0-rc.1'],
    ['>=3.0.0', undefined],
  ];
  for (const [range, want] of table) {
    it(`${range} → ${want}`, () => assert.equal(pickSemverTag(tags, range), want));
  }

  it('prefers the lexically first of two tags with the same version, whatever the order given', () => {
    assert.equal(pickSemverTag(['v1.0.0', '1.0.0'], '1.0.0'), '1.0.0');
    assert.equal(pickSemverTag(['1.0.0', 'v1.0.0'], '1.0.0'), '1.0.0');
  });
});

describe('parseLsRemote', () => {
  it('maps refs to commits, peeled tag lines winning', () => {
    const out = [
      'aaa\tHEAD',
      'bbb\trefs/heads/main',
      'ccc\trefs/tags/v1',
      'ddd\trefs/tags/v1^{}',
      'eee\trefs/tags/v2',
      '',
    ].join('\n');
    assert.deepEqual(
      [...parseLsRemote(out)],
      [
        ['HEAD', 'aaa'],
        ['refs/heads/main', 'bbb'],
        ['refs/tags/v1', 'ddd'],
        ['refs/tags/v2', 'eee'],
      ]
    );
  });
});

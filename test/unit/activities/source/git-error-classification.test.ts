import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reason } from '../../../../api/reasons.js';
import {
  classifyGitFailure,
  GitAuthError,
  GitNotFoundError,
  GitTransientError,
  scrubSecrets,
} from '../../../../activities/source/git-errors.js';
import { lsRemoteRevision } from '../../../../activities/source/git.js';

const ctx = { target: 'branch "main"', url: 'https://git.example.com/repo.git', secrets: ['hunter22', 'aHVudGVyMjI='] };

describe('classifyGitFailure sorts git output into permanent and transient errors', () => {
  const table: [string, new (message: string) => Error, string, boolean][] = [
    [
      "fatal: could not read Username for 'https://git.example.com': terminal prompts disabled",
      GitAuthError,
      Reason.AuthenticationFailed,
      true,
    ],
    [
      "fatal: Authentication failed for 'https://git.example.com/repo.git/'",
      GitAuthError,
      Reason.AuthenticationFailed,
      true,
    ],
    ['git@github.com: Permission denied (publickey).', GitAuthError, Reason.AuthenticationFailed, true],
    ['Host key verification failed.', GitAuthError, Reason.AuthenticationFailed, true],
    [
      "fatal: unable to access 'https://x/': The requested URL returned error: 403",
      GitAuthError,
      Reason.AuthenticationFailed,
      true,
    ],
    [
      "fatal: repository 'https://git.example.com/repo.git/' not found",
      GitNotFoundError,
      Reason.GitOperationFailed,
      true,
    ],
    ["fatal: couldn't find remote ref refs/heads/main", GitNotFoundError, Reason.GitOperationFailed, true],
    ['ERROR: Repository not found.', GitNotFoundError, Reason.GitOperationFailed, true],
    [
      "fatal: unable to access 'https://x/': Could not resolve host: x",
      GitTransientError,
      Reason.GitOperationFailed,
      false,
    ],
    [
      "fatal: unable to access 'https://x/': Failed to connect to x port 443: Connection refused",
      GitTransientError,
      Reason.GitOperationFailed,
      false,
    ],
    [
      'error: RPC failed; HTTP 502 curl 22 The requested URL returned error: 502',
      GitTransientError,
      Reason.GitOperationFailed,
      false,
    ],
  ];
  for (const [output, type, reason, permanent] of table) {
    it(output, () => {
      const err = classifyGitFailure(new Error(output), ctx);
      assert.ok(err instanceof type, err.name);
      assert.equal(err.reason, reason);
      assert.equal(err.permanent, permanent);
      assert.ok(err.message.includes(ctx.url));
    });
  }

  it('scrubs secrets from the git output it quotes', () => {
    const err = classifyGitFailure(
      new Error("fatal: Authentication failed: password 'hunter22' rejected, header Basic aHVudGVyMjI="),
      ctx
    );
    assert.ok(!err.message.includes('hunter22') && !err.message.includes('aHVudGVyMjI='), err.message);
  });
});

describe('scrubSecrets', () => {
  const table: [string, string][] = [
    ['https://user:pw@host/repo failed', 'https://***@host/repo failed'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: ***'],
    ['sent Bearer abcdefghijkl to host', 'sent Bearer *** to host'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----', '***'],
    ['token s3cr3t-token-value in output', 'token *** in output'],
  ];
  for (const [input, want] of table) {
    it(JSON.stringify(input), () => assert.equal(scrubSecrets(input, ['s3cr3t-token-value']), want));
  }
});

describe('SSH credentials', () => {
  it('an SSH URL without known_hosts is GitAuthError before any connection: host keys are always verified', async () => {
    await assert.rejects(
      lsRemoteRevision({ url: 'ssh://git@git.example.com/repo.git', credentials: { identity: 'KEY' } }),
      (err: unknown) => err instanceof GitAuthError && /known_hosts/.test(err.message) && !err.message.includes('KEY')
    );
    await assert.rejects(lsRemoteRevision({ url: 'git@git.example.com:repo.git' }), GitAuthError);
  });
});

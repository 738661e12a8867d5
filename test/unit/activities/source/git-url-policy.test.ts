import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GitInvalidUrlError } from '../../../../activities/source/git-errors.js';
import { parseGitUrl, redactUserInfo } from '../../../../activities/source/git-url.js';

describe('parseGitUrl accepts the documented forms', () => {
  const table: [string, string, string | undefined][] = [
    ['https://github.com/stefanprodan/podinfo', 'https', 'https://github.com'],
    ['https://git.example.com:8443/org/repo.git', 'https', 'https://git.example.com:8443'],
    ['http://127.0.0.1:3000/repo.git', 'http', 'http://127.0.0.1:3000'],
    ['ssh://git@github.com/org/repo.git', 'ssh', undefined],
    ['ssh://git@github.com:2222/org/repo.git', 'ssh', undefined],
    ['git@github.com:org/repo.git', 'ssh', undefined],
    ['git@[::1]:org/repo.git', 'ssh', undefined],
  ];
  for (const [url, transport, origin] of table) {
    it(url, () => {
      const parsed = parseGitUrl(url);
      assert.equal(parsed.url, url, 'passed to git unchanged');
      assert.equal(parsed.transport, transport);
      assert.equal(parsed.origin, origin);
    });
  }

  it('file:// only with allowLocal', () => {
    assert.equal(parseGitUrl('file:///srv/repo.git', { allowLocal: true }).transport, 'file');
    assert.throws(() => parseGitUrl('file:///srv/repo.git'), GitInvalidUrlError);
    assert.throws(() => parseGitUrl('file://otherhost/srv/repo.git', { allowLocal: true }), /must not name a host/);
  });
});

describe('parseGitUrl refuses everything else with GitInvalidUrlError', () => {
  const table: [string, RegExp][] = [
    ['', /1 to 2048 characters/],
    ['-uevil', /must not start with "-"/],
    ['--upload-pack=touch%20/tmp/x', /must not start with "-"/],
    ['ext::sh -c touch% /tmp/x', /whitespace/],
    ['ext::sh', /remote-helper transports/],
    ['fd::0', /remote-helper transports/],
    ['file::/tmp/repo', /remote-helper transports/],
    ['/srv/repo.git', /not a supported Git URL/],
    ['./repo', /not a supported Git URL/],
    ['git://example.com/repo.git', /"git" scheme is not supported/],
    ['ftp://example.com/repo.git', /"ftp" scheme is not supported/],
    ['https://user:pass@example.com/repo.git', /must not contain credentials/],
    ['https://token@example.com/repo.git', /must not contain credentials/],
    ['ssh://git:pass@example.com/repo.git', /must not contain credentials/],
    ['ssh://-oProxyCommand=x/repo', /no valid host/],
    ['git@-oProxyCommand:repo', /may start with "-"/],
    ['git@-oProxyCommand=x:repo', /not a supported Git URL/],
    ['-oProxyCommand=x@host:repo', /must not start with "-"/],
    ['git@host:-repo', /may start with "-"/],
    ['https://example.com/repo\n.git', /control characters/],
    ['https://', /not a valid URL/],
  ];
  for (const [url, message] of table) {
    it(JSON.stringify(url), () => {
      assert.throws(
        () => parseGitUrl(url, { allowLocal: true }),
        (err: unknown) => err instanceof GitInvalidUrlError && err.permanent && message.test(err.message)
      );
    });
  }

  it('never echoes credentials from a refused URL', () => {
    for (const url of ['https://user:s3cr3t@example.com/r', 'user:s3cr3t@host', 'gopher://u:s3cr3t@h/r']) {
      assert.throws(
        () => parseGitUrl(url),
        (err: unknown) => err instanceof Error && !err.message.includes('s3cr3t')
      );
    }
    assert.equal(redactUserInfo('https://u:p@h/r'), 'https://***@h/r');
    assert.equal(redactUserInfo('u:p@h:r'), '***@h:r');
  });
});

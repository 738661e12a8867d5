import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertSourceUrlAllowed,
  isRefusedAddress,
  sourceUrlHost,
  SourceUrlPolicyError,
} from '../../../../activities/source/url-policy.js';

const hex = (n: number): string => n.toString(16);
const noDns = async (): Promise<string[]> => [];

describe('url policy: which addresses are refused', () => {
  it('refuses exactly 169.254.0.0/16 among IPv4 addresses', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), (o) => {
        assert.equal(isRefusedAddress(o.join('.')), o[0] === 169 && o[1] === 254);
      }),
      { numRuns: 2000 }
    );
  });

  it('refuses exactly fe80::/10 and fd00:ec2::254 among IPv6 addresses (full form)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (g) => {
        const awsMetadata = g.join(',') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(',');
        const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff && g[6] === 0xa9fe;
        const expected = ((g[0] ?? 0) & 0xffc0) === 0xfe80 || awsMetadata || mapped;
        assert.equal(isRefusedAddress(g.map(hex).join(':')), expected);
      }),
      { numRuns: 2000 }
    );
  });

  it('judges an IPv4-mapped IPv6 address as its IPv4 address', () => {
    fc.assert(fc.property(fc.ipV4(), (v4) => assert.equal(isRefusedAddress(`::ffff:${v4}`), isRefusedAddress(v4))));
  });

  it('keeps loopback and private ranges allowed', () => {
    for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '::1', 'fd12:3456::1', '100.64.0.1'])
      assert.equal(isRefusedAddress(a), false, a);
    for (const a of ['169.254.169.254', '169.254.0.1', 'fe80::1', 'febf::1', 'fd00:ec2::254', '::ffff:169.254.169.254'])
      assert.equal(isRefusedAddress(a), true, a);
  });
});

describe('url policy: source URLs', () => {
  it('finds the host of every URL form a source accepts', () => {
    assert.equal(sourceUrlHost('https://GitHub.com./org/repo'), 'github.com');
    assert.equal(sourceUrlHost('ssh://git@[fe80::1]:22/repo'), 'fe80::1');
    assert.equal(sourceUrlHost('git@169.254.169.254:org/repo'), '169.254.169.254');
    assert.equal(sourceUrlHost('oci://metadata.google.internal/charts'), 'metadata.google.internal');
    // The WHATWG parser normalises numeric IPv4 spellings, so they cannot slip past.
    assert.equal(sourceUrlHost('http://2852039166/latest'), '169.254.169.254');
    assert.equal(sourceUrlHost('ssh://0xa9fea9fe/repo'), '169.254.169.254');
    assert.equal(sourceUrlHost('file:///tmp/repo'), undefined);
  });

  it('refuses metadata addresses and names with a message naming the opt-out variable', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/x',
      'https://[fe80::1]/x',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://metadata/x',
      'oci://169.254.1.1/charts',
    ]) {
      await assert.rejects(assertSourceUrlAllowed(url, { resolve: noDns }), (err: Error) => {
        assert.ok(err instanceof SourceUrlPolicyError, url);
        assert.match(err.message, /BALLAST_ALLOW_LINK_LOCAL_SOURCES=true/);
        return true;
      });
    }
  });

  it('refuses a name that resolves to a link-local address, before anything connects', async () => {
    const resolve = async (host: string): Promise<string[]> =>
      host === 'evil.example' ? ['10.0.0.1', '169.254.169.254'] : [];
    await assert.rejects(
      assertSourceUrlAllowed('https://evil.example/repo.git', { resolve }),
      /'evil\.example' resolves to 169\.254\.169\.254/
    );
  });

  it('allows loopback, private and public hosts, unresolvable names, and everything when opted out', async () => {
    const resolve = async (): Promise<string[]> => ['192.168.0.10'];
    for (const url of ['http://127.0.0.1:8080/repo', 'https://10.1.2.3/charts', 'https://git.internal/repo'])
      await assertSourceUrlAllowed(url, { resolve });
    await assertSourceUrlAllowed('https://does-not-resolve.invalid/x', {
      resolve: () => Promise.reject(new Error('ENOTFOUND')),
    });
    await assertSourceUrlAllowed('http://169.254.169.254/x', { allowLinkLocal: true });
  });

  it('resolves names with the system resolver by default (localhost is allowed)', async () => {
    await assertSourceUrlAllowed('http://localhost:1/repo');
  });
});

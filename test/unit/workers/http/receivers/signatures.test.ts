import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  constantTimeEqual,
  hmacHex,
  verifyNexusSignature,
  verifyPrefixedHmac,
  verifySharedToken,
} from '../../../../../workers/http/receivers/signatures.js';

const algorithms = fc.constantFrom('sha1' as const, 'sha256' as const, 'sha512' as const);
const bodies = fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b));
const tokens = fc.string({ minLength: 1, maxLength: 64 });

describe('constantTimeEqual', () => {
  it('agrees with plain equality, whatever the lengths', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        assert.equal(constantTimeEqual(a, b), a === b);
        assert.equal(constantTimeEqual(a, a), true);
      })
    );
  });
});

describe('verifyPrefixedHmac (GitHub, Bitbucket, generic-hmac)', () => {
  it('accepts the signature a sender computes with the token, in any hex case', () => {
    fc.assert(
      fc.property(algorithms, tokens, bodies, fc.boolean(), (alg, token, body, upper) => {
        const hex = hmacHex(alg, token, body);
        assert.deepEqual(verifyPrefixedHmac(`${alg}=${upper ? hex.toUpperCase() : hex}`, body, token), { ok: true });
      })
    );
  });

  it('rejects a signature made with another token', () => {
    fc.assert(
      fc.property(algorithms, tokens, tokens, bodies, (alg, token, other, body) => {
        fc.pre(token !== other);
        assert.equal(verifyPrefixedHmac(`${alg}=${hmacHex(alg, other, body)}`, body, token).ok, false);
      })
    );
  });

  it('rejects any change of the body', () => {
    fc.assert(
      fc.property(
        algorithms,
        tokens,
        bodies,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (alg, token, body, at, flip) => {
          fc.pre(body.length > 0);
          const signature = `${alg}=${hmacHex(alg, token, body)}`;
          const tampered = Buffer.from(body);
          const i = at % tampered.length;
          tampered[i] = (tampered[i] ?? 0) ^ flip;
          assert.equal(verifyPrefixedHmac(signature, tampered, token).ok, false);
        }
      )
    );
  });

  it('rejects a truncated signature instead of comparing a prefix', () => {
    fc.assert(
      fc.property(algorithms, tokens, bodies, fc.nat(), (alg, token, body, cut) => {
        const hex = hmacHex(alg, token, body);
        const short = hex.slice(0, cut % hex.length);
        assert.equal(verifyPrefixedHmac(`${alg}=${short}`, body, token).ok, false);
      })
    );
  });

  it('explains malformed headers', () => {
    const body = Buffer.from('{}');
    const valid = hmacHex('sha256', 't', body);
    const cases: [string | undefined, RegExp][] = [
      [undefined, /missing signature/],
      ['', /missing signature/],
      [valid, /want <algorithm>=<hex digest>/],
      [`md5=${valid}`, /unknown signature algorithm "md5"/],
      [`sha256=${valid.slice(0, -1)}z`, /not hex/],
      [`sha256=${valid}0`, /not hex/],
    ];
    for (const [header, message] of cases) {
      const check = verifyPrefixedHmac(header, body, 't');
      assert.equal(check.ok, false, String(header));
      assert.match(check.ok ? '' : check.message, message);
    }
  });
});

describe('verifyNexusSignature', () => {
  it('accepts the lower-case hex HMAC-SHA1 and rejects other tokens', () => {
    fc.assert(
      fc.property(tokens, tokens, bodies, (token, other, body) => {
        assert.deepEqual(verifyNexusSignature(hmacHex('sha1', token, body), body, token), { ok: true });
        if (other !== token) assert.equal(verifyNexusSignature(hmacHex('sha1', other, body), body, token).ok, false);
      })
    );
  });

  it('rejects a missing header', () => {
    assert.equal(verifyNexusSignature(undefined, Buffer.from('{}'), 't').ok, false);
  });
});

describe('verifySharedToken (GitLab, Harbor)', () => {
  it('accepts exactly the token', () => {
    fc.assert(
      fc.property(tokens, fc.string(), (token, sent) => {
        assert.equal(verifySharedToken(sent, token, 'X-Gitlab-Token').ok, sent === token);
      })
    );
    assert.match(JSON.stringify(verifySharedToken(undefined, 't', 'X-Gitlab-Token')), /missing X-Gitlab-Token header/);
  });
});

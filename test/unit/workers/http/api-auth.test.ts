import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeClients } from '../../../../activities/kube/client.js';
import { checkBearer, parseSecretRef, secretTokenSource } from '../../../../workers/http/api-auth.js';
import { resolveKind } from '../../../../workers/http/api-kinds.js';

describe('checkBearer', () => {
  const expected = { token: 'good-token' };
  const table: [string | undefined, number | 'ok'][] = [
    [undefined, 401],
    ['', 401],
    ['Basic Z29vZC10b2tlbg==', 401],
    ['Bearer', 401],
    ['Bearer ', 401],
    ['Bearer wrong', 403],
    ['Bearer good-token-and-more', 403],
    ['Bearer good-token', 'ok'],
    ['bearer good-token', 'ok'],
  ];
  for (const [header, want] of table) {
    it(`${JSON.stringify(header)} → ${want}`, () => {
      const verdict = checkBearer(header, expected);
      assert.equal(verdict.ok ? 'ok' : verdict.code, want);
    });
  }

  it('refuses everything with 503 when no token is configured', () => {
    const verdict = checkBearer('Bearer anything', { missing: 'set BALLAST_API_TOKEN_SECRET' });
    assert.deepEqual(verdict, { ok: false, code: 503, error: 'set BALLAST_API_TOKEN_SECRET' });
  });
});

describe('secretTokenSource', () => {
  const fakeKube = (data: () => Record<string, string>): { kube: KubeClients; reads: () => number } => {
    let reads = 0;
    const core = {
      readNamespacedSecret: () => {
        reads++;
        const encoded = Object.entries(data()).map(([k, v]): [string, string] => [
          k,
          Buffer.from(v).toString('base64'),
        ]);
        return Promise.resolve({ data: Object.fromEntries(encoded) });
      },
    };
    return { kube: { core } as unknown as KubeClients, reads: () => reads };
  };

  it('reads the token once per TTL and picks up a rotation after it', async () => {
    let token = 'one';
    const { kube, reads } = fakeKube(() => ({ token }));
    const source = secretTokenSource(kube, { namespace: 'ns', name: 'api' }, 50);
    assert.deepEqual(await source.expected(), { token: 'one' });
    token = 'two';
    assert.deepEqual(await source.expected(), { token: 'one' }, 'cached');
    assert.equal(reads(), 1);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(await source.expected(), { token: 'two' });
  });

  it('says which Secret is missing a token', async () => {
    const { kube } = fakeKube(() => ({ other: 'x' }));
    const got = await secretTokenSource(kube, { namespace: 'ns', name: 'api' }).expected();
    assert.match('missing' in got ? got.missing : '', /ns\/api is missing or has no non-empty key "token"/);
  });
});

describe('parseSecretRef', () => {
  it('splits namespace/name and explains a bad value', () => {
    assert.deepEqual(parseSecretRef('flux-system/api'), { namespace: 'flux-system', name: 'api' });
    assert.throws(() => parseSecretRef('api'), /want namespace\/name/);
    assert.throws(() => parseSecretRef('a/b/c'), /want namespace\/name/);
  });
});

describe('resolveKind', () => {
  it('accepts kind, plural, singular and short names in any case', () => {
    for (const input of ['Kustomization', 'kustomization', 'kustomizations', 'KS'])
      assert.equal(resolveKind(input), 'Kustomization');
    assert.equal(resolveKind('hr'), 'HelmRelease');
    assert.equal(resolveKind('gitrepositories'), 'GitRepository');
  });

  it('refuses kinds without a reconcile workflow', () => {
    assert.equal(resolveKind('Receiver'), undefined);
    assert.equal(resolveKind('Deployment'), undefined);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  helmChartNameFor,
  releaseNameFor,
  storageNamespaceFor,
  targetNamespaceFor,
} from '../../../api/helm-release-name.js';
import { sha256Hex } from '../../../api/sha256.js';

const hr = (name: string, spec: Record<string, string> = {}, namespace = 'flux-system') => ({
  metadata: { name, namespace },
  spec,
});

describe('releaseNameFor', () => {
  const long = 'a'.repeat(30);
  const table: [string, ReturnType<typeof hr>, string][] = [
    ['the HelmRelease name by default', hr('podinfo'), 'podinfo'],
    ['targetNamespace-name with a target namespace', hr('podinfo', { targetNamespace: 'apps' }), 'apps-podinfo'],
    ['spec.releaseName when set', hr('podinfo', { releaseName: 'web', targetNamespace: 'apps' }), 'web'],
    ['a 53-character name unchanged', hr('x'.repeat(53)), 'x'.repeat(53)],
  ];
  for (const [what, input, expected] of table) it(`is ${what}`, () => assert.equal(releaseNameFor(input), expected));

  it('shortens a longer name to 40 characters, a dash and 12 hex of its sha256', () => {
    const full = `${long}-${long}`;
    const name = releaseNameFor(hr(long, { targetNamespace: long }));
    const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
    assert.equal(name, `${full.slice(0, 40)}-${hash}`);
    assert.equal(name.length, 53);
  });
});

describe('helmChartNameFor and namespaces', () => {
  it('names the generated HelmChart <namespace>-<name>', () =>
    assert.equal(helmChartNameFor(hr('podinfo')), 'flux-system-podinfo'));
  it('defaults target and storage namespace to the HelmRelease namespace', () => {
    assert.equal(targetNamespaceFor(hr('p')), 'flux-system');
    assert.equal(storageNamespaceFor(hr('p', { storageNamespace: 'helm' })), 'helm');
    assert.equal(targetNamespaceFor(hr('p', { targetNamespace: 'apps' })), 'apps');
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches node:crypto for any string, multi-block and non-ASCII included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'));
      })
    );
  });
});

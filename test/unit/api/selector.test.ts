import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesLabelSelector, parseLabelSelector, selects } from '../../../api/selector.js';

const web = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod', labels: { app: 'web', tier: 'front' }, annotations: { team: 'a' } },
};

describe('selects', () => {
  it('matches every field given as an anchored regular expression', () => {
    assert.ok(selects({ group: 'apps', version: 'v1', kind: 'Deployment', name: 'web', namespace: 'prod' }, web));
    assert.ok(selects({ kind: 'Deploy.*', name: 'w.b' }, web));
    assert.ok(!selects({ name: 'we' }, web), 'anchored: a prefix is not a match');
    assert.ok(!selects({ kind: 'ConfigMap' }, web));
    assert.ok(!selects({ group: 'apps', namespace: 'dev' }, web));
  });

  it('treats the core group as empty', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    assert.ok(selects({ group: '', version: 'v1' }, cm));
    assert.ok(!selects({ group: 'apps' }, cm));
  });

  it('applies label and annotation selectors', () => {
    assert.ok(selects({ labelSelector: 'app=web,tier in (front, back)' }, web));
    assert.ok(!selects({ labelSelector: 'app!=web' }, web));
    assert.ok(selects({ annotationSelector: 'team' }, web));
    assert.ok(!selects({ annotationSelector: '!team' }, web));
  });

  it('names an invalid pattern', () => {
    assert.throws(() => selects({ name: '(' }, web), /invalid selector pattern "\("/);
  });
});

describe('matchesLabelSelector', () => {
  const labels = { a: '1', b: '2' };
  const cases: [string, boolean][] = [
    ['', true],
    ['a', true],
    ['!a', false],
    ['c', false],
    ['!c', true],
    ['a=1', true],
    ['a==1', true],
    ['a=2', false],
    ['a!=2', true],
    ['c!=2', true],
    ['a in (1,3)', true],
    ['a in (3)', false],
    ['c in (1)', false],
    ['a notin (3)', true],
    ['a notin (1)', false],
    ['c notin (1)', true],
    ['a=1, b in (2), !c', true],
  ];
  for (const [expr, want] of cases) {
    it(`"${expr}" → ${want}`, () => assert.equal(matchesLabelSelector(expr, labels), want));
  }

  it('rejects what it cannot read', () => {
    assert.throws(() => parseLabelSelector('a in 1'), /invalid label selector requirement "a in 1"/);
  });
});

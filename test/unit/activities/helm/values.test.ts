import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  canonicalJson,
  composeValues,
  parseSetPath,
  ValuesError,
  valuesDigest,
  type ValuesSource,
} from '../../../../activities/helm/values.js';

const cm = (name: string, data: string | undefined, extra: Partial<ValuesSource> = {}): ValuesSource => ({
  kind: 'ConfigMap',
  name,
  valuesKey: 'values.yaml',
  data,
  optional: false,
  ...extra,
});
const secret = (name: string, data: string, targetPath: string, extra: Partial<ValuesSource> = {}): ValuesSource => ({
  kind: 'Secret',
  name,
  valuesKey: 'value',
  data,
  targetPath,
  optional: false,
  ...extra,
});

describe('composeValues merges like Flux', () => {
  const table: [string, ValuesSource[], object | undefined, unknown][] = [
    ['no sources and no inline values → {}', [], undefined, {}],
    ['inline values alone', [], { a: 1 }, { a: 1 }],
    ['an empty document is no values', [cm('a', '')], undefined, {}],
    [
      'documents in order, deep-merging maps',
      [cm('a', 'x:\n  y: 1\n  z: 1\n'), cm('b', 'x:\n  z: 2\nw: 3\n')],
      undefined,
      { x: { y: 1, z: 2 }, w: 3 },
    ],
    ['a later list replaces an earlier one', [cm('a', 'l: [1, 2, 3]'), cm('b', 'l: [4]')], undefined, { l: [4] }],
    ['a later scalar replaces a map', [cm('a', 'x: {y: 1}'), cm('b', 'x: 5')], undefined, { x: 5 }],
    ['inline values are merged over documents', [cm('a', 'x: {y: 1, z: 1}')], { x: { z: 9 } }, { x: { y: 1, z: 9 } }],
    ['targetPath sets a typed scalar', [secret('s', '3', 'db.port')], undefined, { db: { port: 3 } }],
    [
      'targetPath reads true, false and null',
      [secret('s', 'true', 'a'), secret('t', 'null', 'b')],
      undefined,
      { a: true, b: null },
    ],
    ['targetPath keeps leading-zero numbers as strings', [secret('s', '007', 'id')], undefined, { id: '007' }],
    ['targetPath strips surrounding quotes, keeping a string', [secret('s', '"42"', 'a')], undefined, { a: '42' }],
    ['targetPath reads {a,b} as a list', [secret('s', '{x,2}', 'a')], undefined, { a: ['x', 2] }],
    ['targetPath keeps commas in one value', [secret('s', 'p4ss,word', 'pw')], undefined, { pw: 'p4ss,word' }],
    [
      'targetPath with list indexes pads with null',
      [secret('s', 'v', 'a.b[2].c')],
      undefined,
      { a: { b: [null, null, { c: 'v' }] } },
    ],
    ['targetPath with nested indexes', [secret('s', 'v', 'm[1][0]')], undefined, { m: [null, ['v']] }],
    [
      'targetPath with an escaped dot names one key',
      [secret('s', 'v', 'ingress.annotations.nginx\\.io/ssl')],
      undefined,
      { ingress: { annotations: { 'nginx.io/ssl': 'v' } } },
    ],
    ['literal keeps the data verbatim', [secret('s', 'true', 'a', { literal: true })], undefined, { a: 'true' }],
    [
      'literal keeps YAML-looking data verbatim',
      [secret('s', 'a: {b: 1}\n', 'cfg', { literal: true })],
      undefined,
      { cfg: 'a: {b: 1}\n' },
    ],
    [
      'targetPath entries win over inline values and documents',
      [secret('s', 'fromSecret', 'db.password'), cm('a', 'db: {password: fromDoc, user: u}')],
      { db: { password: 'inline' } },
      { db: { password: 'fromSecret', user: 'u' } },
    ],
    [
      'targetPath replaces a scalar on the way with a map',
      [cm('a', 'db: plain'), secret('s', '1', 'db.port')],
      undefined,
      { db: { port: 1 } },
    ],
    [
      'a missing optional source is skipped',
      [cm('gone', undefined, { optional: true }), cm('a', 'x: 1')],
      undefined,
      { x: 1 },
    ],
  ];
  for (const [name, sources, inline, expected] of table) {
    it(name, () => assert.deepEqual(composeValues(sources, inline).values, expected));
  }

  it('does not change its inputs', () => {
    const inline = { x: { y: [1] } };
    const sources = [cm('a', 'x: {z: 1}'), secret('s', 'v', 'x.w')];
    const before = structuredClone({ inline, sources });
    composeValues(sources, inline);
    assert.deepEqual({ inline, sources }, before);
  });

  it('keeps a __proto__ key as data instead of touching prototypes', () => {
    const { values } = composeValues([cm('a', '__proto__:\n  polluted: 1\n')], undefined);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(Object.keys(values), ['__proto__']);
  });
});

describe('composeValues errors name the source', () => {
  const table: [string, ValuesSource[], RegExp][] = [
    [
      'a missing non-optional object',
      [cm('app-values', undefined)],
      /ConfigMap\/app-values key values\.yaml: ConfigMap not found/,
    ],
    [
      'a missing key in an existing object, optional or not',
      [cm('app', undefined, { found: true, optional: true })],
      /ConfigMap\/app key values\.yaml: key not found/,
    ],
    ['invalid YAML', [cm('bad', 'a: [1, 2')], /ConfigMap\/bad key values\.yaml: invalid YAML/],
    [
      'a document that is not a mapping',
      [cm('list', '- 1\n- 2\n')],
      /ConfigMap\/list key values\.yaml: values must be a YAML mapping/,
    ],
    ['an invalid targetPath', [secret('s', 'v', 'a[x]')], /Secret\/s key value: targetPath 'a\[x\]': invalid index/],
    ['a targetPath that starts with an index', [secret('s', 'v', '[0]')], /Secret\/s key value: targetPath '\[0\]'/],
  ];
  for (const [name, sources, message] of table) {
    it(`throws ValuesError for ${name}`, () => {
      assert.throws(
        () => composeValues(sources, undefined),
        (err: unknown) => err instanceof ValuesError && err.reason === 'ValuesError' && message.test(err.message)
      );
    });
  }
});

describe('parseSetPath', () => {
  it('splits keys and indexes, honouring backslash escapes', () => {
    assert.deepEqual(parseSetPath('a.b\\.c[0][12].d'), [
      { key: 'a' },
      { key: 'b.c' },
      { index: 0 },
      { index: 12 },
      { key: 'd' },
    ]);
  });
  for (const bad of ['', 'a..b', 'a.', 'a[0]b', 'a[]', 'a[1']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseSetPath(bad)));
  }
});

describe('configDigest', () => {
  it('is sha256: of the canonical JSON', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 1, c: null }] }), '{"a":[{"c":null,"d":1}],"b":1}');
    assert.match(composeValues([], { a: 1 }).digest, /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(valuesDigest({ a: 1 }), valuesDigest({ a: '1' }));
  });

  const values = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<unknown>, {
    maxKeys: 6,
  });

  it('is stable under key reordering at any depth', () => {
    const reorder = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reorder);
      if (v && typeof v === 'object') {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v).reverse()) {
          Object.defineProperty(out, k, {
            value: reorder((v as Record<string, unknown>)[k]),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      return v;
    };
    fc.assert(fc.property(values, (v) => assert.equal(valuesDigest(reorder(v)), valuesDigest(v))));
  });

  it('is unchanged by merging an empty source, wherever it sits', () => {
    fc.assert(
      fc.property(values, values, fc.nat(2), (doc, inline, at) => {
        const sources = [cm('a', JSON.stringify(doc))];
        const withEmpty = [...sources];
        withEmpty.splice(Math.min(at, withEmpty.length), 0, cm('empty', ''));
        assert.deepEqual(composeValues(withEmpty, inline), composeValues(sources, inline));
      })
    );
  });
});

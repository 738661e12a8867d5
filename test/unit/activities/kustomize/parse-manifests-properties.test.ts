import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { BuildError, parseManifests } from '../../../../activities/kustomize/build.js';

const RUNS = { numRuns: 150 };

const dnsLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const dnsSubdomain = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));
/** Keys a manifest can hold, including ones YAML or JavaScript treat specially. */
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', '<<', '---', '...', '? x', '- y', '#', 'yes', 'null', '1.0', '')
);
/** Scalars that YAML could mistake for something else when written plain. */
const trickyString = fc.constantFrom(
  'yes',
  'off',
  '~',
  'null',
  '0x1F',
  '1e3',
  '08',
  '.inf',
  '---',
  '...',
  '- item',
  'key: value',
  '# not a comment',
  '*alias',
  '&anchor',
  '!tag',
  '%YAML 1.2',
  '@at',
  '`tick',
  ' leading space',
  'trailing space ',
  'line\nbreak',
  'tab\tinside',
  '"quoted"',
  "'single'",
  '{flow: map}',
  '[flow, seq]',
  '\u00e9\u4e2d\u{1f600}'
);
const scalar = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  trickyString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null)
);
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3, noNullPrototype: true })
  ),
})).value;

// Plain prototypes: the parser builds ordinary objects, and which prototype is beside the point.
/** Objects that pass the apiVersion/kind/metadata.name check, with arbitrary data under them. */
const manifest = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'example.com/v1alpha1'),
    kind: fc.stringMatching(/^[A-Z][a-zA-Z]{0,12}$/),
    metadata: fc.record(
      {
        name: dnsSubdomain,
        namespace: dnsLabel,
        labels: fc.dictionary(dnsLabel, dnsLabel, { maxKeys: 3, noNullPrototype: true }),
        annotations: fc.dictionary(key, fc.oneof(fc.string({ maxLength: 20 }), trickyString), {
          maxKeys: 3,
          noNullPrototype: true,
        }),
      },
      { requiredKeys: ['name'], noNullPrototype: true }
    ),
    data: fc.dictionary(key, value, { maxKeys: 4, noNullPrototype: true }),
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata'], noNullPrototype: true }
);

/** How one object is written: the yaml library's styles, so quoting and flow/block forms vary. */
interface Style {
  indent: number;
  lineWidth: number;
  collectionStyle: 'any' | 'block' | 'flow';
  defaultStringType: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';
}
const style: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom(2, 4),
  lineWidth: fc.constantFrom(0, 20, 80),
  collectionStyle: fc.constantFrom<Style['collectionStyle']>('any', 'block', 'flow'),
  defaultStringType: fc.constantFrom<Style['defaultStringType']>('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
});
const comment = fc.constantFrom('', '# a comment\n', '#\n', '# --- not a separator\n', '\n');
/** What may follow a `---` on its line. */
const markerTail = fc.constantFrom('', ' # after the marker');
/** A document with no content: nothing, blank lines or comments. */
const emptyBody = fc.constantFrom('', '\n', '# only a comment\n', '# one\n# two\n');

/** One document of the stream: an object (its index in the list) or an empty document. */
type Part = { object: number } | { empty: string };

interface Layout {
  parts: Part[];
  before: string[];
  tails: string[];
  ends: boolean[];
  styles: Style[];
}

/** A stream of `objects` with empty documents, comments, marker comments and `...` end markers mixed in. */
function layout(objectCount: number): fc.Arbitrary<Layout> {
  return fc
    .array(fc.option(emptyBody, { freq: 3, nil: undefined }), {
      minLength: objectCount + 1,
      maxLength: objectCount + 1,
    })
    .chain((gaps) => {
      const parts: Part[] = [];
      gaps.forEach((gap, i) => {
        if (gap !== undefined) parts.push({ empty: gap });
        if (i < objectCount) parts.push({ object: i });
      });
      const n = parts.length;
      const fixed = { minLength: n, maxLength: n };
      return fc.record({
        parts: fc.constant(parts),
        before: fc.array(comment, fixed),
        tails: fc.array(markerTail, fixed),
        ends: fc.array(fc.boolean(), fixed),
        styles: fc.array(style, fixed),
      });
    });
}

/**
 * Writes the stream. Every document starts with `---` except possibly a first one with content
 * (kustomize writes none there); without the marker an empty first document would not be one.
 */
function render(l: Layout, body: (part: Part, i: number) => string, firstMarker: boolean): string {
  return l.parts
    .map((part, i) => {
      const text = body(part, i);
      const marker = i > 0 || firstMarker || !('object' in part) ? `---${l.tails[i]}\n` : '';
      return `${marker}${l.before[i]}${text}${l.ends[i] ? '...\n' : ''}`;
    })
    .join('');
}

const streams = fc
  .array(manifest, { maxLength: 6 })
  .chain((objects) => fc.tuple(fc.constant(objects), layout(objects.length), fc.boolean()));

/** Parts of a stream that are not valid manifests, and what the error must say about them. */
const BAD_DOCUMENTS: [text: string, why: RegExp][] = [
  ['key: [unclosed\n', /^document \d+: /],
  ['{unclosed: 1\n', /^document \d+: /],
  ['a: b: c\n', /^document \d+: /],
  ['a: 1\na: 2\n', /^document \d+: Map keys must be unique/],
  ['\t- tab indented\n', /^document \d+: /],
  ['x: "\\q"\n', /^document \d+: /],
  ['x: *undefined\n', /^document \d+: .*alias/],
  ['- a\n- b\n', /^document \d+ is not a Kubernetes object/],
  ['just a string\n', /^document \d+ is not a Kubernetes object/],
  ['42\n', /^document \d+ is not a Kubernetes object/],
  ['apiVersion: v1\nkind: ConfigMap\n', /^document \d+ is not a Kubernetes object/],
  ['apiVersion: v1\nmetadata: {name: x}\n', /^document \d+ is not a Kubernetes object/],
];

describe('parseManifests properties', () => {
  it('a multi-document stream of N objects parses back to the same N objects, in order', () => {
    fc.assert(
      fc.property(streams, ([objects, l, firstMarker]) => {
        const text = render(
          l,
          (part, i) => ('object' in part ? stringify(objects[part.object], l.styles[i]) : part.empty),
          firstMarker
        );
        assert.deepEqual(parseManifests(text), objects, text);
      }),
      RUNS
    );
  });

  it('a bad document anywhere is a BuildError naming the first bad document, never a partial result', () => {
    const scenario = streams.chain(([objects, l, firstMarker]) =>
      fc.record({
        objects: fc.constant(objects),
        l: fc.constant(l),
        firstMarker: fc.constant(firstMarker),
        // Which documents to spoil (by position in the stream) and with what.
        bad: fc.uniqueArray(fc.tuple(fc.nat({ max: l.parts.length }), fc.nat({ max: BAD_DOCUMENTS.length - 1 })), {
          minLength: 1,
          maxLength: 3,
          selector: ([at]) => at,
        }),
      })
    );
    fc.assert(
      fc.property(scenario, ({ objects, l, firstMarker, bad }) => {
        // A bad document at position parts.length is appended at the end of the stream.
        const withRoom: Layout = {
          ...l,
          parts: [...l.parts, { empty: '' }],
          before: [...l.before, ''],
          tails: [...l.tails, ''],
          ends: [...l.ends, false],
          styles: [
            ...l.styles,
            l.styles[0] ?? { indent: 2, lineWidth: 80, collectionStyle: 'any', defaultStringType: 'PLAIN' },
          ],
        };
        const spoiled = new Map(bad);
        const text = render(
          withRoom,
          (part, i) => {
            const b = spoiled.get(i);
            if (b !== undefined) return (BAD_DOCUMENTS[b] as [string, RegExp])[0];
            return 'object' in part ? stringify(objects[part.object], withRoom.styles[i]) : part.empty;
          },
          // The bad text may be the first document: mark it, so that it counts as document 1.
          firstMarker || spoiled.has(0)
        );
        const first = Math.min(...spoiled.keys());
        const [, why] = BAD_DOCUMENTS[spoiled.get(first) as number] as [string, RegExp];
        assert.throws(
          () => parseManifests(text),
          (err: unknown) => {
            assert.ok(err instanceof BuildError, `${String(err)}\n${text}`);
            assert.match(err.message, new RegExp(`^document ${first + 1}\\b`), text);
            assert.match(err.message, why);
            return true;
          }
        );
      }),
      RUNS
    );
  });
});

describe('parseManifests regressions found by the properties', () => {
  it('an alias to an anchor that does not exist is a BuildError naming the document', () => {
    // Counterexample: doc.toJS() threw a bare ReferenceError, which the activity retried forever.
    const text = 'apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: B\nmetadata: {name: *x}\n';
    assert.throws(() => parseManifests(text), { message: /^document 2: Unresolved alias/ });
    assert.throws(() => parseManifests(text), BuildError);
  });

  it('an alias bomb is a BuildError naming the document', () => {
    const level = (name: string, ref: string): string =>
      `${name}: &${name} [${Array(10).fill(`*${ref}`).join(', ')}]\n`;
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${level('b', 'a')}${level('c', 'b')}${level('d', 'c')}`;
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n${bomb}`;
    assert.throws(() => parseManifests(text), { message: /^document 1: Excessive alias count/ });
    assert.throws(() => parseManifests(text), BuildError);
  });
});

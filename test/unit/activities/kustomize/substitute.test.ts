import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  mergeSubstituteSources,
  shouldSubstitute,
  substituteVariables,
  SubstitutionError,
} from '../../../../activities/kustomize/substitute.js';

const strict = { strict: true };
const lenient = { strict: false };

describe('substituteVariables expands like Flux envsubst', () => {
  const vars = {
    app: 'podinfo',
    tag: 'v6.5.0',
    empty: '',
    path_name: '/home/bozo/ideas/thoughts.for.today',
    file: 'bash.string.txt',
    dir: '/path/to/file',
    slashy: 'foo/bar/baz',
    mixed: 'abcABC123ABCabc',
    lower: 'hello world',
    upper: 'HELLO',
    n: '-3',
    dollar: 'cost: $5',
  };
  const table: [string, string, string][] = [
    ['a braced variable', 'name: ${app}', 'name: podinfo'],
    ['several variables on one line', 'image: ${app}:${tag}', 'image: podinfo:v6.5.0'],
    ['a variable inside a multi-line document', 'a: ${app}\nb:\n  - ${tag}\n', 'a: podinfo\nb:\n  - v6.5.0\n'],
    ['an empty value', 'x: "${empty}"', 'x: ""'],
    [':= default when unset', '${nope:=fallback}', 'fallback'],
    [':= default when empty', '${empty:=fallback}', 'fallback'],
    [':= value when set', '${app:=fallback}', 'podinfo'],
    [':- default when unset', '${nope:-fallback}', 'fallback'],
    ['= default when unset', '${nope=fallback}', 'fallback'],
    ['= default when empty (Flux, unlike bash)', '${empty=fallback}', 'fallback'],
    ['an empty default', '[${nope:=}]', '[]'],
    ['a default with spaces and colons', '${nope:=a b: c}', 'a b: c'],
    ['a default that nests a variable', '${nope:=${app}}', 'podinfo'],
    ['a default mixing text and a nested variable', '${nope:=pre-${app}-post}', 'pre-podinfo-post'],
    ['a default nested two deep', '${nope:=${nope2:=${tag}}}', 'v6.5.0'],
    ['a closing brace after the expression as text', '${nope:=x}y}', 'xy}'],
    ['a bare $var untouched', 'echo $app $HOME', 'echo $app $HOME'],
    ['$$ as one literal $', 'price: $$5', 'price: $5'],
    ['$${var} as the literal ${var}', 'sh: $${app}', 'sh: ${app}'],
    ['$$$${var} as $${var}', '$$$${app}', '$${app}'],
    ['$$${var} as $ then the value', '$$${app}', '$podinfo'],
    ['a lone $ at the end', 'cost $', 'cost $'],
    ['$ before a brace-less character', '$} ${app}', '$} podinfo'],
    ['a default inside an escaped expression', '$${x=${app}}', '${x=podinfo}'],
    ['backslashes outside expressions untouched', '\\\\x \\/ ${app}', '\\\\x \\/ podinfo'],
    ['substring from an offset', '${path_name:11}', 'ideas/thoughts.for.today'],
    ['substring with a length', '${path_name:11:5}', 'ideas'],
    ['substring past the end', '${app:50}', ''],
    ['substring with a length past the end', '${app:3:50}', 'info'],
    ['substring with a non-numeric offset (value unchanged, as Go)', '${app:x}', 'podinfo'],
    ['substring with a negative offset from a variable', '${app:${n}}', 'nfo'],
    ['substring with a negative length', '${app:1:-1}', 'odinf'],
    ['replace first', '${mixed/abc/xyz}', 'xyzABC123ABCabc'],
    ['replace all', '${mixed//abc/xyz}', 'xyzABC123ABCxyz'],
    ['replace a prefix', '${mixed/#abc/XYZ}', 'XYZABC123ABCabc'],
    ['replace a missing prefix (unchanged)', '${mixed/#zzz/XYZ}', 'abcABC123ABCabc'],
    ['replace a suffix', '${mixed/%abc/XYZ}', 'abcABC123ABCXYZ'],
    ['prepend with an empty prefix pattern', '${app/#/my-}', 'my-podinfo'],
    ['append with an empty suffix pattern', '${app/%/-x}', 'podinfo-x'],
    ['delete with an empty replacement', '${file/./}', 'bashstring.txt'],
    ['replace an escaped slash', '${slashy//\\//-}', 'foo-bar-baz'],
    ['replace with $& kept literal', '${app/pod/$&}', '$&info'],
    ['replace with $$ unescaped to $', '${app/pod/$$}', '$info'],
    ['strip the shortest prefix glob', '${file#*.}', 'string.txt'],
    ['strip the longest prefix glob', '${file##*.}', 'txt'],
    ['strip a prefix glob across slashes', '${dir##*/}', 'file'],
    ['strip the shortest leading slash', '${dir#*/}', 'path/to/file'],
    ['strip the shortest suffix glob', '${file%.*}', 'bash.string'],
    ['strip the longest suffix glob', '${file%%.*}', 'bash'],
    ['strip with ? and a class', '${tag#v[0-9]?}', '5.0'],
    ['strip with a negated class', '${tag#[!0-9]}', '6.5.0'],
    ['strip nothing when the glob does not match', '${app#x*}', 'podinfo'],
    ['leave the value alone on a bad glob', '${app#[p}', 'podinfo'],
    ['the length in bytes', '${#app}', '7'],
    ['upper-case the first character', '${lower^}', 'Hello world'],
    ['upper-case everything', '${lower^^}', 'HELLO WORLD'],
    ['lower-case the first character', '${upper,}', 'hELLO'],
    ['lower-case everything', '${upper,,}', 'hello'],
    ['a default applied to a transformed nested value', '${nope=${lower^^}}', 'HELLO WORLD'],
  ];
  for (const [behaviour, input, expected] of table) {
    it(`expands ${behaviour}`, () => assert.equal(substituteVariables(input, vars, strict), expected));
  }

  it('inserts values verbatim, without re-expanding them', () => {
    const out = substituteVariables('${a} ${b} ${c}', { a: '${a}', b: '${a:=x}', c: '$${c} $$' }, strict);
    assert.equal(out, '${a} ${a:=x} $${c} $$');
  });

  it('reads variable names with non-ASCII letters in the text', () => {
    assert.equal(substituteVariables('${nom_é:=ok}', {}, strict), 'ok');
  });
});

describe('substituteVariables in strict mode', () => {
  const unset: [string, string][] = [
    ['a bare reference', 'x: ${missing}'],
    ['a length', '${#missing}'],
    ['an upper-case', '${missing^^}'],
    ['a lower-case', '${missing,}'],
    ['a substring', '${missing:0:2}'],
    ['a replace', '${missing/a/b}'],
    ['a prefix strip', '${missing##*/}'],
    ['a suffix strip', '${missing%.*}'],
    ['a variable nested in a default', '${app:=${missing}}'],
  ];
  for (const [behaviour, input] of unset) {
    it(`rejects an unset variable in ${behaviour}`, () => {
      assert.throws(() => substituteVariables(input, { app: 'set' }, strict), {
        name: 'SubstitutionError',
        variables: ['missing'],
        message: /variable not set \(strict mode\): "missing"/,
      });
    });
  }

  const defaults: [string, string][] = [
    ['${missing:=d}', 'd'],
    ['${missing:-d}', 'd'],
    ['${missing=d}', 'd'],
    ['[${missing:=}]', '[]'],
  ];
  for (const [input, expected] of defaults) {
    it(`accepts an unset variable with a default operator: ${input}`, () => {
      assert.equal(substituteVariables(input, {}, strict), expected);
    });
  }

  it('names every unset variable once, in order of first use', () => {
    assert.throws(() => substituteVariables('${b} ${a} ${b} ${c:=x} ${d}', {}, strict), {
      variables: ['b', 'a', 'd'],
      message: /"b", "a", "d"$/,
    });
  });

  it('throws a SubstitutionError instance', () => {
    assert.throws(() => substituteVariables('${x}', {}, strict), SubstitutionError);
  });

  it('accepts a variable set to the empty string', () => {
    assert.equal(substituteVariables('[${empty}]', { empty: '' }, strict), '[]');
  });
});

describe('substituteVariables in lenient mode', () => {
  it('replaces an unset variable with the empty string', () => {
    assert.equal(substituteVariables('a=${missing}; b=${#missing}', {}, lenient), 'a=; b=0');
  });

  it('does not treat Object.prototype members as variables', () => {
    assert.equal(substituteVariables('[${constructor}][${toString}]', {}, lenient), '[][]');
    assert.throws(() => substituteVariables('${constructor}', {}, strict), { variables: ['constructor'] });
  });
});

describe('substituteVariables rejects', () => {
  const invalidNames: [string, Record<string, string>, string[]][] = [
    ['a name starting with a digit', { '1abc': 'x' }, ['1abc']],
    ['a name with a dash', { 'my-var': 'x', ok: 'y' }, ['my-var']],
    ['a name with a dot', { 'a.b': 'x' }, ['a.b']],
    ['an empty name', { '': 'x' }, ['']],
  ];
  for (const [behaviour, vars, names] of invalidNames) {
    it(`${behaviour} among the variables`, () => {
      assert.throws(() => substituteVariables('no expressions', vars, lenient), {
        variables: names,
        message: /var name is invalid, must match/,
      });
    });
  }

  it('accepts names Flux accepts, including leading underscores', () => {
    assert.equal(substituteVariables('${_a}${A_1}', { _a: '1', A_1: '2' }, strict), '12');
  });

  const malformed: [string, string, RegExp][] = [
    ['the unsupported ${a-b} form', '${app-b}', /missing closing brace/],
    ['the unsupported ${a+b} form', '${app+b}', /missing closing brace/],
    ['a space before the name', '${ app}', /unable to parse variable name/],
    ['an empty expression', '${}', /unable to parse variable name/],
    ['an unterminated expression', 'x: ${app', /missing closing brace/],
    ['an unterminated default', '${app:=abc', /unable to parse substitution within function/],
    ['a substring without an offset', '${app:}', /unable to parse substitution within function/],
    ['a replace without its second slash', '${app/x}', /bad substitution/],
    ['a strip without a pattern', '${app#}', /unable to parse substitution within function/],
    ['a length without a name', '${#}', /unable to parse variable name/],
    ['text after a nested substring offset', '${app:${n}x}', /bad substitution/],
  ];
  for (const [behaviour, input, message] of malformed) {
    it(behaviour, () => {
      assert.throws(() => substituteVariables(input, { app: 'a', n: '1' }, lenient), {
        name: 'SubstitutionError',
        message,
      });
    });
  }

  it('deeply nested defaults with an error instead of overflowing the stack', () => {
    const bomb = '${a:='.repeat(10_000) + 'x' + '}'.repeat(10_000);
    assert.throws(() => substituteVariables(bomb, {}, strict), {
      name: 'SubstitutionError',
      message: /nested too deeply/,
    });
  });
});

describe('substituteVariables properties', () => {
  const alphabet = fc.constantFrom('a', 'Z', '_', '1', ' ', ':', '\n', '$', '{', '}', '#', '%', '/', '\\', '-', '=');
  const varName = fc.stringMatching(/^[_a-zA-Z][_a-zA-Z0-9]{0,8}$/);
  const vars = fc.dictionary(varName, fc.string({ maxLength: 10 }), { maxKeys: 5 });

  it('leaves text with no "${" and no "$$" unchanged ($$ is the escape for $)', () => {
    const text = fc.string({ unit: alphabet, maxLength: 60 }).filter((t) => !t.includes('${') && !t.includes('$$'));
    fc.assert(
      fc.property(text, vars, fc.boolean(), (t, v, isStrict) => {
        assert.equal(substituteVariables(t, v, { strict: isStrict }), t);
      })
    );
  });

  it('resolves every reference when all variables are supplied, leaving no ${name} behind', () => {
    // Neither literal chunks nor values contain "$" (a value ending in "$" followed by a literal "{"
    // would spell "${" without being a reference), so any "${" left in the output is a bug.
    const literal = fc.string({ unit: fc.constantFrom('a', ' ', ':', '\n', '{', '}', '-'), maxLength: 8 });
    const value = fc.string({ maxLength: 8 }).filter((s) => !s.includes('$'));
    const scenario = fc.uniqueArray(varName, { minLength: 1, maxLength: 4 }).chain((names) =>
      fc.record({
        values: fc.array(value, { minLength: names.length, maxLength: names.length }),
        names: fc.constant(names),
        chunks: fc.array(
          fc.tuple(literal, fc.nat({ max: names.length - 1 }), fc.constantFrom('', ':=d', ':-d', '=d')),
          { maxLength: 6 }
        ),
      })
    );
    fc.assert(
      fc.property(scenario, ({ names, values, chunks }) => {
        const supplied = Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
        const template = chunks.map(([text, i, op]) => `${text}\${${names[i] ?? ''}${op}}`).join('');
        const expected = chunks.map(([text, i, op]) => text + (supplied[names[i] ?? ''] || (op ? 'd' : ''))).join('');
        const out = substituteVariables(template, supplied, strict);
        assert.equal(out, expected);
        assert.ok(!out.includes('${'), `unresolved expression in ${JSON.stringify(out)}`);
      })
    );
  });

  it('inserts any value exactly once, whatever it contains', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('$', '{', '}', ':', '=', 'a', '\\', '/', 'é', '\n'), maxLength: 30 }),
        (value) => {
          assert.equal(substituteVariables('${a}', { a: value }, strict), value);
        }
      )
    );
  });
});

describe('mergeSubstituteSources', () => {
  it('lets a later substituteFrom entry beat an earlier one', () => {
    assert.deepEqual(mergeSubstituteSources([{ a: '1', b: '1' }, { b: '2' }], {}), { a: '1', b: '2' });
  });

  it('lets inline substitute beat every substituteFrom entry', () => {
    assert.deepEqual(mergeSubstituteSources([{ a: '1' }, { a: '2', c: '2' }], { a: 'inline' }), {
      a: 'inline',
      c: '2',
    });
  });

  it('removes newlines from values, as Flux does for file-based Secrets', () => {
    assert.deepEqual(mergeSubstituteSources([{ token: 'abc\n' }], { multi: 'a\nb\n' }), { token: 'abc', multi: 'ab' });
  });

  it('returns an empty object for no sources', () => {
    assert.deepEqual(mergeSubstituteSources([], {}), {});
  });

  it('keeps a variable named __proto__ as an ordinary key', () => {
    const source = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    const merged = mergeSubstituteSources([source], {});
    assert.ok(Object.hasOwn(merged, '__proto__'));
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(substituteVariables('${__proto__}', merged, strict), 'x');
  });
});

describe('shouldSubstitute', () => {
  const key = 'kustomize.toolkit.fluxcd.io/substitute';
  const table: [string, Parameters<typeof shouldSubstitute>[0], boolean][] = [
    ['an object without metadata', {}, true],
    ['an object with unrelated labels', { metadata: { labels: { app: 'x' } } }, true],
    ['the label set to disabled', { metadata: { labels: { [key]: 'disabled' } } }, false],
    ['the annotation set to disabled', { metadata: { annotations: { [key]: 'disabled' } } }, false],
    [
      'the annotation set to Disabled (Flux matches exactly)',
      { metadata: { annotations: { [key]: 'Disabled' } } },
      true,
    ],
    ['the annotation set to enabled', { metadata: { annotations: { [key]: 'enabled' } } }, true],
  ];
  for (const [behaviour, obj, expected] of table) {
    it(`returns ${expected} for ${behaviour}`, () => assert.equal(shouldSubstitute(obj), expected));
  }
});

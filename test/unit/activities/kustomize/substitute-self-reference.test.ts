import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { substituteVariables } from '../../../../activities/kustomize/substitute.js';

const strict = { strict: true };

// Flux's envsubst expands in one pass: a value is inserted verbatim and never expanded again, so a
// variable that names itself (or a pair naming each other) cannot loop or grow.
describe('substituteVariables: self-referencing values', () => {
  it('inserts a value that names its own variable literally', () => {
    assert.equal(substituteVariables('v: ${A}\n', { A: '${A}' }, strict), 'v: ${A}\n');
  });

  it('inserts mutually referencing values literally, one level deep', () => {
    const vars = { A: '${B}', B: '${A}' };
    assert.equal(substituteVariables('a: ${A}\nb: ${B}\n', vars, strict), 'a: ${B}\nb: ${A}\n');
  });

  it('does not re-expand a default that is itself a reference to the variable', () => {
    assert.equal(substituteVariables('v: ${A:=${A}}\n', { A: '${A}${A}' }, strict), 'v: ${A}${A}\n');
  });

  it('stays linear on values that would double on every re-expansion', () => {
    const vars = { A: '${A}${A}' };
    const text = 'v: ${A}\n'.repeat(10_000);
    const started = Date.now();
    const out = substituteVariables(text, vars, strict);
    assert.equal(out.length, 'v: ${A}${A}\n'.length * 10_000);
    assert.ok(Date.now() - started < 2000);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { moduleDir } from '../../../tools/toolchain/paths.js';
import { TOOLS, type ToolName } from '../../../tools/toolchain/tools.js';

const fluxTools = (Object.keys(TOOLS) as ToolName[]).filter((n) => n.startsWith('flux-'));

describe("toolchain: Flux's controllers for the benchmark", () => {
  it('are built only on request, each in its own helper module', () => {
    assert.deepEqual(fluxTools, ['flux-source-controller', 'flux-kustomize-controller', 'flux-helm-controller']);
    for (const name of fluxTools) {
      const recipe = TOOLS[name];
      assert.equal(recipe.kind, 'gomod-build');
      assert.ok(recipe.kind === 'gomod-build' && recipe.onlyFor === 'flux', `${name} is optional`);
      assert.equal(path.basename(moduleDir(recipe)), name.slice('flux-'.length));
    }
    const always = (Object.keys(TOOLS) as ToolName[]).filter((n) => !fluxTools.includes(n));
    for (const name of always) assert.ok(!('onlyFor' in TOOLS[name]), `${name} is always built`);
  });

  it('pin in versions.ts the same controller version their helper go.mod requires', () => {
    for (const name of fluxTools) {
      const recipe = TOOLS[name];
      const gomod = readFileSync(path.join(moduleDir(recipe), 'go.mod'), 'utf8');
      const required = new RegExp(`^require ${recipe.pkg.replace(/\./g, '\\.')} (\\S+)$`, 'm').exec(gomod)?.[1];
      assert.equal(required, recipe.version, `${name}: go.mod requires ${required}`);
    }
  });

  it('leave the other tools in tools/gomod', () => {
    assert.equal(moduleDir(TOOLS.etcd), path.resolve(import.meta.dirname, '../../../tools/gomod'));
  });
});

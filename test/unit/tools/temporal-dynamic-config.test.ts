import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { devServerDynamicConfigFlags } from '../../../tools/localenv/temporal-dynamic-config.js';

describe('the recommended Temporal dynamic configuration as dev-server flags', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ballast-dynconfig-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const file = async (name: string, text: string): Promise<string> => {
    const p = path.join(dir, name);
    await writeFile(p, text);
    return p;
  };

  it('turns on eager activity dispatch from config/temporal/dynamicconfig.yaml', () => {
    const flags = devServerDynamicConfigFlags();
    const i = flags.indexOf('system.enableActivityEagerExecution=true');
    assert.ok(i > 0 && flags[i - 1] === '--dynamic-config-value', flags.join(' '));
  });

  it('writes each value as JSON', async () => {
    const p = await file('many.yaml', 'a.number:\n  - value: 3\nb.text:\n  - value: fast\n');
    assert.deepEqual(devServerDynamicConfigFlags(p), [
      '--dynamic-config-value',
      'a.number=3',
      '--dynamic-config-value',
      'b.text="fast"',
    ]);
  });

  it('refuses a constrained value, which a flag would widen to every namespace', async () => {
    const p = await file('constrained.yaml', 'a.key:\n  - value: true\n    constraints: { namespace: prod }\n');
    assert.throws(() => devServerDynamicConfigFlags(p), /a\.key must have exactly one unconstrained value/);
  });
});

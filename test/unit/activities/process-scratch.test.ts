import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

const run = promisify(execFile);
const MODULE = path.resolve(import.meta.dirname, '../../../activities/process-scratch.ts');

/** Runs `body` in a fresh Node process with processScratchDir imported; returns what it printed. */
async function inChild(body: string): Promise<string> {
  const script = `const { processScratchDir } = await import(${JSON.stringify(MODULE)});\n${body}`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  return stdout.trim();
}

describe('processScratchDir', () => {
  let parent: string;
  before(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'scratch-test-'));
  });
  after(() => rm(parent, { recursive: true, force: true }));

  it('exists while the process runs and is gone, with its contents, once the process exits', async () => {
    const out = await inChild(`
      const { writeFile } = await import('node:fs/promises');
      const a = await processScratchDir('one-', ${JSON.stringify(parent)});
      const b = await processScratchDir('two-', ${JSON.stringify(parent)});
      await writeFile(a + '/file', 'x');
      const { existsSync } = await import('node:fs');
      console.log(JSON.stringify({ a, b, alive: existsSync(a + '/file') && existsSync(b) }));
    `);
    const { a, b, alive } = JSON.parse(out) as { a: string; b: string; alive: boolean };
    assert.equal(alive, true, 'the directories exist while the process runs');
    assert.equal(path.dirname(a), parent);
    assert.equal(existsSync(a), false, `${a} removed at exit`);
    assert.equal(existsSync(b), false, `${b} removed at exit`);
    assert.deepEqual(await readdir(parent), []);
  });

  it('is removed when the process exits through process.exit, as the worker does after draining', async () => {
    const out = await inChild(`
      const dir = await processScratchDir('exit-', ${JSON.stringify(parent)});
      console.log(dir);
      process.exit(0);
    `);
    assert.ok(out.startsWith(parent), out);
    assert.equal(existsSync(out), false);
  });
});

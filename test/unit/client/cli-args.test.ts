import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Io } from '../../../client/cli/context.js';
import { ExitCode } from '../../../client/cli/errors.js';
import { runCli } from '../../../client/cli/program.js';

/** Runs the CLI in-process with captured output. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('ballast argument parsing and exit codes', () => {
  it('--help lists every command and documents the exit codes, and exits 0', async () => {
    const r = await run('--help');
    assert.equal(r.code, ExitCode.Ok);
    for (const cmd of ['get', 'reconcile', 'suspend', 'resume', 'history', 'diff', 'tree', 'events'])
      assert.match(r.out, new RegExp(`\\n  ${cmd} `), cmd);
    assert.match(r.out, /Exit codes:\n  0 {2}success\n  1 .*\n  2 {2}usage error.*\n  3 {2}object not found/);
    assert.match(r.out, /TEMPORAL_ADDRESS/);
  });

  it('every command has --help with the exit codes', async () => {
    for (const cmd of ['get', 'reconcile', 'suspend', 'resume', 'history', 'diff', 'tree', 'events']) {
      const r = await run(cmd, '--help');
      assert.equal(r.code, ExitCode.Ok, cmd);
      assert.match(r.out, new RegExp(`Usage: ballast ${cmd}`), cmd);
      assert.match(r.out, /Exit codes:/, cmd);
    }
  });

  it('no arguments prints help and is a usage error', async () => {
    const r = await run();
    assert.equal(r.code, ExitCode.Usage);
    assert.match(r.out, /Usage: ballast/);
  });

  const usage: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['a missing argument', ['reconcile', 'ks'], /missing required argument 'name'/],
    ['an unknown kind', ['get', 'widgets'], /unknown kind "widgets"; use one of: .*kustomization\|ks/],
    ['an unknown output format', ['-o', 'xml', 'get', 'ks'], /argument 'xml' is invalid/],
    ['an unknown option', ['get', 'ks', '--colour'], /unknown option '--colour'/],
    ['a bad --timeout', ['reconcile', 'ks', 'app', '--timeout', 'soon'], /--timeout "soon" is not a duration/],
    ['diff of a kind it does not support', ['diff', 'hr', 'app'], /diff supports Kustomization, not HelmRelease/],
    ['an empty --ref', ['diff', 'ks', 'app', '--ref', ' '], /--ref must name a branch/],
    ['a name with a group of kinds', ['get', 'all', 'app'], /a name needs one kind, not "all"/],
  ];
  for (const [what, args, message] of usage) {
    it(`exits 2 on ${what}`, async () => {
      const r = await run(...args);
      assert.equal(r.code, ExitCode.Usage, r.err);
      assert.match(r.err, message);
    });
  }

  it('exits 3 when the kubeconfig cannot be read, saying which', async () => {
    const r = await run('--kubeconfig', '/nonexistent/kubeconfig', 'get', 'ks');
    assert.equal(r.code, ExitCode.Unavailable);
    assert.match(r.err, /cannot load kubeconfig \/nonexistent\/kubeconfig/);
  });

  it('global options are accepted after the command too', async () => {
    const r = await run('get', 'ks', '-o', 'xml');
    assert.equal(r.code, ExitCode.Usage);
    assert.match(r.err, /argument 'xml' is invalid/);
  });
});

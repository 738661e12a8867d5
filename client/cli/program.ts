/**
 * The `ballast` command line: global options (kubeconfig, Temporal, output) and one subcommand per
 * file. {@link runCli} parses, runs and maps every failure to a documented exit code.
 *
 * @module
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_TASK_QUEUE } from '../../api/task-queues.js';
import { CliContext, processIo, type GlobalOptions, type Io } from './context.js';
import { diffCommand } from './diff.js';
import { CliError, EXIT_CODES_HELP, ExitCode } from './errors.js';
import { eventsCommand } from './events.js';
import { getCommand } from './get.js';
import { historyCommand } from './history.js';
import { reconcileCommand } from './reconcile.js';
import { resumeCommand, suspendCommand } from './suspend.js';
import { treeCommand } from './tree.js';

const ENVIRONMENT_HELP = `
Environment:
  KUBECONFIG             kubeconfig file(s) when --kubeconfig is not given (else ~/.kube/config)
  BALLAST_KUBE_CONTEXT   kubeconfig context (--context)
  BALLAST_CLUSTER_NAME   cluster name of the workflow IDs (--cluster), "local" by default
  TEMPORAL_ADDRESS       Temporal frontend host:port (--temporal-address), 127.0.0.1:7233 by default
  TEMPORAL_NAMESPACE     Temporal namespace (--temporal-namespace), "default" by default
  BALLAST_TASK_QUEUE     task queue of the Ballast workers, for diff (--task-queue)
  NO_COLOR               disable colours (as does --no-color or a non-terminal output)`;

/** The program with its global options and every command; `ctx` is what the commands act through. */
export function buildProgram(io: Io = processIo): { program: Command; ctx: CliContext } {
  const program = new Command('ballast');
  const ctx = new CliContext(() => program.opts<GlobalOptions>(), io);
  program
    .description('Operate Ballast, the GitOps controller that runs Flux reconciles as Temporal workflows')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .addOption(new Option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'))
    .addOption(new Option('--context <name>', 'kubeconfig context').env('BALLAST_KUBE_CONTEXT'))
    .addOption(new Option('--cluster <name>', 'Ballast cluster name').env('BALLAST_CLUSTER_NAME').default('local'))
    .addOption(
      new Option('--temporal-address <host:port>', 'Temporal frontend')
        .env('TEMPORAL_ADDRESS')
        .default('127.0.0.1:7233')
    )
    .addOption(
      new Option('--temporal-namespace <name>', 'Temporal namespace').env('TEMPORAL_NAMESPACE').default('default')
    )
    .addOption(
      new Option('--task-queue <name>', 'task queue of the Ballast workers')
        .env('BALLAST_TASK_QUEUE')
        .default(DEFAULT_TASK_QUEUE)
    )
    .option('--no-color', 'disable colours')
    .addHelpText('afterAll', `${EXIT_CODES_HELP}\n${ENVIRONMENT_HELP}\n`);
  for (const make of [
    getCommand,
    reconcileCommand,
    suspendCommand,
    resumeCommand,
    historyCommand,
    diffCommand,
    treeCommand,
    eventsCommand,
  ]) {
    // addCommand (unlike .command) copies no settings: output, exit override and help text are shared explicitly.
    program.addCommand(make(ctx).copyInheritedSettings(program));
  }
  return { program, ctx };
}

/** Commander's own exits: help and version are success, anything else is a usage error. */
function commanderExit(err: CommanderError): ExitCode {
  return [
    'commander.helpDisplayed',
    'commander.help',
    'commander.version',
    'commander.executeSubCommandAsync',
  ].includes(err.code)
    ? ExitCode.Ok
    : ExitCode.Usage;
}

/**
 * Runs `ballast` with `args` (without node and script) and returns the exit code; never throws.
 * Failures are printed to `io.err` as one `error: …` line.
 */
export async function runCli(args: string[], io: Io = processIo): Promise<ExitCode> {
  const { program, ctx } = buildProgram(io);
  try {
    if (args.length === 0) {
      program.outputHelp();
      return ExitCode.Usage;
    }
    await program.parseAsync(args, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(err);
    if (err instanceof CliError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.Failed;
  } finally {
    await ctx.close();
  }
}

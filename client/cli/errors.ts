/**
 * Exit codes of `ballast` and the error that carries one. Scripts rely on these numbers: they are
 * documented in `--help` and the README, and never change meaning.
 *
 * @module
 */

export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** A reconcile (or preview) failed, or the object is not ready / suspended. */
  Failed: 1,
  /** The command line is wrong: unknown command, kind, option or value. */
  Usage: 2,
  /** The object does not exist, or Kubernetes / Temporal cannot be reached. */
  Unavailable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The text `--help` ends with. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  reconcile failed, object not ready or suspended, preview refused
  2  usage error (unknown command, kind, option or value)
  3  object not found, or Kubernetes / Temporal unreachable`;

/** An error whose message is for the person at the terminal, with the exit code it ends the command with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failed
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, ExitCode.Usage);
export const unavailableError = (message: string): CliError => new CliError(message, ExitCode.Unavailable);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** Whether `err` (or its cause chain) is a failure to reach a server rather than a refusal by one. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e instanceof Error && /fetch failed|socket hang up/i.test(e.message)) return true;
  }
  return false;
}

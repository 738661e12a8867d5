import { parseDuration } from '../../api/meta.js';
import { CliError, usageError } from './errors.js';

/** Parses a Go-style duration flag (`30s`, `5m`). */
export function parseTimeout(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw usageError(`--timeout "${text}" is not a duration such as 30s, 5m or 1h`);
  }
}

/** `work`, or a CliError (exit 1) saying `message` when it takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(message)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // the loser's later rejection is expected, not unhandled
  }
}

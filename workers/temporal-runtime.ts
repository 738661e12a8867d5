import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/**
 * Installs the Temporal runtime once per process with a quieter logger: the SDK's INFO level
 * prints the whole webpack report of the workflow bundle on every worker start.
 */
export function installTemporalRuntime(level: LogLevel = 'WARN'): void {
  if (installed) return;
  Runtime.install({ logger: new DefaultLogger(level) });
  installed = true;
}

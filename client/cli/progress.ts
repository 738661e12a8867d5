/**
 * Step-by-step progress of one reconcile as the workflow reports it (fetch → build → validate →
 * apply → health), and the line that tells how it ended.
 *
 * @module
 */
import type { ReconcileResult } from '../../api/messages.js';
import type { Colors, Io } from './context.js';
import { formatElapsed } from './output.js';

/** Prints each step the first time a progress poll sees it running. */
export class StepPrinter {
  private readonly shown: string[] = [];

  constructor(
    private readonly io: Io,
    private readonly colors: Colors
  ) {}

  step(step: string): void {
    if (step === 'idle' || step === this.shown.at(-1)) return;
    this.shown.push(step);
    this.io.out(`  ${this.colors.dim('→')} ${step}\n`);
  }

  /** The outcome line, with the full step list (quick steps may finish between two polls). */
  finish(object: string, result: ReconcileResult): void {
    this.io.out(outcomeLine(object, result, this.colors));
  }
}

/**
 * `✔ Kustomization apps/web reconciled in 1.2s: Applied revision: main@sha1:… (3 objects changed)` or
 * `✖ Kustomization apps/web failed after 0.3s: ArtifactFailed: path './nope' not found`, after the
 * steps that ran.
 */
export function outcomeLine(object: string, result: ReconcileResult, colors: Colors): string {
  const took = formatElapsed(result.durationMs);
  const steps = result.steps.length > 0 ? `  steps: ${result.steps.join(' → ')}\n` : '';
  if (result.ready) {
    const changed = result.objectsChanged === undefined ? '' : ` (${result.objectsChanged} objects changed)`;
    return `${steps}${colors.green('✔')} ${object} reconciled in ${took}: ${result.message}${changed}\n`;
  }
  return `${steps}${colors.red('✖')} ${object} failed after ${took}: ${result.reason}: ${result.message}\n`;
}

/**
 * The whole matrix (every step × every fault × the chosen kinds) on one fresh local environment;
 * `npm run test:faults` runs it through tools/faults.ts. Not a *.test.ts file: it takes most of an
 * hour on two cores, so `npm test` runs only fault-matrix-reduced.test.ts.
 */
import { fullMatrix, type FaultType, type ReconcileKind } from './matrix.js';
import type { ScenarioOutcome } from './outcome.js';
import { countsTable, runScenarios } from './runner.js';
import { startFaultSuite } from './suite-env.js';

export interface FullMatrixOptions {
  kinds: ReconcileKind[];
  faults: FaultType[];
  /** Only these steps (by their matrix name); all when empty. */
  steps: string[];
  outageMs: number;
  log?: (line: string) => void;
}

export async function runFullMatrix(opts: FullMatrixOptions): Promise<ScenarioOutcome[]> {
  const log = opts.log ?? console.log;
  const scenarios = fullMatrix(opts.kinds, opts.faults).filter(
    (s) => opts.steps.length === 0 || opts.steps.includes(s.at.step)
  );
  const started = performance.now();
  const suite = await startFaultSuite({ outageMs: opts.outageMs, log });
  try {
    const outcomes = await runScenarios(suite, scenarios, log);
    log(`\n${countsTable(outcomes)}`);
    log(`wall time ${((performance.now() - started) / 60_000).toFixed(1)} min; logs in ${suite.env.dir}`);
    return outcomes;
  } finally {
    // Keep the logs when something failed: they are the evidence.
    await suite.env.stop({ keep: true });
  }
}

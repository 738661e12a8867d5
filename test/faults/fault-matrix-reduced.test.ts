/**
 * The reduced fault matrix inside `npm test`: one scenario per fault type (see REDUCED in
 * matrix.ts). It starts its own local environment and ignores the shared one of `npm test`
 * (BALLAST_TEST_*): killing the shared Temporal or kube-apiserver would break the other files.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REDUCED, scenarioName } from './matrix.js';
import type { ScenarioOutcome } from './outcome.js';
import { countsTable, outcomeLine, runScenario } from './runner.js';
import { startFaultSuite, type FaultSuite } from './suite-env.js';

describe('Fault injection (reduced matrix): each reconcile converges, loses nothing and repeats nothing', () => {
  let suite: FaultSuite;
  const outcomes: ScenarioOutcome[] = [];
  before(async () => (suite = await startFaultSuite({ outageMs: 30_000 })));
  after(async () => {
    if (outcomes.length > 0) console.log(countsTable(outcomes));
    await suite?.stop();
  });

  for (const scenario of REDUCED) {
    it(scenarioName(scenario), async () => {
      const outcome = await runScenario(suite, scenario);
      outcomes.push(outcome);
      console.log(outcomeLine(outcome));
      assert.deepEqual(outcome.failures, [], outcomeLine(outcome));
    });
  }
});

/** What one scenario produced: the checks that failed (empty when it passed), and where the fault landed. */
import type { Landing } from './step-trigger.js';
import type { Scenario } from './matrix.js';

export interface ScenarioOutcome {
  scenario: Scenario;
  landing?: Landing;
  failures: string[];
  seconds: number;
}

/** Collects failed checks instead of throwing at the first, so a scenario reports every problem it shows. */
export class Checks {
  readonly failures: string[] = [];
  check(ok: boolean, what: string): void {
    if (!ok) this.failures.push(what);
  }
}

/** Runs scenarios one after another on one suite and prints the counts table. */
import { runHelmReleaseScenario } from './helmrelease-scenario.js';
import { runKustomizationScenario } from './kustomization-scenario.js';
import { FAULTS, scenarioName, STEPS, type ReconcileKind, type Scenario } from './matrix.js';
import type { ScenarioOutcome } from './outcome.js';
import type { FaultSuite } from './suite-env.js';

export async function runScenario(suite: FaultSuite, scenario: Scenario): Promise<ScenarioOutcome> {
  const started = performance.now();
  try {
    return scenario.kind === 'kustomization'
      ? await runKustomizationScenario(suite, scenario)
      : await runHelmReleaseScenario(suite, scenario);
  } catch (err) {
    // Setting up the scenario failed (e.g. the environment did not come back from the previous one).
    const seconds = Math.round((performance.now() - started) / 1000);
    return { scenario, failures: [`setup: ${err instanceof Error ? err.message : String(err)}`], seconds };
  }
}

/** One line per scenario: verdict, where the fault landed, duration, and every failed check. */
export function outcomeLine(o: ScenarioOutcome): string {
  const verdict = o.failures.length === 0 ? 'PASS' : 'FAIL';
  const head = `${verdict} ${scenarioName(o.scenario)} (landed ${o.landing ?? '?'} the step, ${o.seconds} s)`;
  return [head, ...o.failures.map((f) => `    - ${f}`)].join('\n');
}

export async function runScenarios(
  suite: FaultSuite,
  scenarios: Scenario[],
  log: (line: string) => void = console.log
): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = [];
  for (const [i, scenario] of scenarios.entries()) {
    log(`[${i + 1}/${scenarios.length}] ${scenarioName(scenario)} …`);
    const outcome = await runScenario(suite, scenario);
    log(outcomeLine(outcome));
    outcomes.push(outcome);
  }
  return outcomes;
}

const pad = (cells: string[], widths: number[]): string =>
  `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;

/**
 * The counts table: one row per kind and step, one column per fault, each cell `passed/failed`
 * (`-` when not run), then the totals per fault.
 */
export function countsTable(outcomes: ScenarioOutcome[]): string {
  const count = (pred: (o: ScenarioOutcome) => boolean): string => {
    const matching = outcomes.filter(pred);
    if (matching.length === 0) return '-';
    const failed = matching.filter((o) => o.failures.length > 0).length;
    return `${matching.length - failed}/${failed}`;
  };
  const kinds = (Object.keys(STEPS) as ReconcileKind[]).filter((k) => outcomes.some((o) => o.scenario.kind === k));
  const rows = kinds.flatMap((kind) =>
    STEPS[kind]
      .filter((at) => outcomes.some((o) => o.scenario.kind === kind && o.scenario.at.step === at.step))
      .map((at) => [
        `${kind} ${at.step}`,
        ...FAULTS.map((f) =>
          count((o) => o.scenario.kind === kind && o.scenario.at.step === at.step && o.scenario.fault === f)
        ),
      ])
  );
  const header = ['step (passed/failed)', ...FAULTS];
  const total = ['total', ...FAULTS.map((f) => count((o) => o.scenario.fault === f))];
  const all = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const passed = outcomes.filter((o) => o.failures.length === 0).length;
  return [
    pad(header, widths),
    rule,
    ...rows.map((r) => pad(r, widths)),
    pad(total, widths),
    `${passed} passed, ${outcomes.length - passed} failed of ${outcomes.length} scenarios`,
  ].join('\n');
}

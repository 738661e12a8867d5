/** The three faults, each injected and recovered from in one call. */
import { setTimeout as sleep } from 'node:timers/promises';
import { opensGateFirst, type FaultType, type Scenario } from './matrix.js';
import { waitForBoundary, type Landing } from './step-trigger.js';
import type { FaultSuite, ScenarioHarness } from './suite-env.js';

/**
 * Lands the scenario's fault at its step boundary of `workflowId`'s reconcile and lets the gated
 * Pods schedule: after the fault, so waits are still running when it lands, or before waiting for
 * the boundary when the step comes after those waits (see opensGateFirst).
 */
export async function landFault(
  suite: FaultSuite,
  h: ScenarioHarness,
  scenario: Scenario,
  workflowId: string
): Promise<Landing> {
  const gateFirst = opensGateFirst(scenario);
  if (gateFirst) await h.openGate();
  const landing = await waitForBoundary(h.ballast.client, workflowId, scenario.at);
  await injectFault(scenario.fault, suite, h);
  if (!gateFirst) await h.openGate();
  return landing;
}

export async function injectFault(fault: FaultType, suite: FaultSuite, h: ScenarioHarness): Promise<void> {
  switch (fault) {
    case 'worker-sigkill':
      // The new worker starts at once; the dead one's activities come back after their timeouts.
      return h.replaceWorker();
    case 'temporal-restart':
      // SIGKILL, then the same SQLite file and ports: every client reconnects to the same address.
      await suite.env.restartTemporal({ kill: true });
      return;
    case 'apiserver-outage':
      await suite.env.kube.stopApiserver();
      await sleep(suite.outageMs);
      await suite.env.kube.startApiserver();
      return;
  }
}

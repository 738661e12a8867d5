/** The three faults, each injected and recovered from in one call. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultType } from './matrix.js';
import type { FaultSuite, ScenarioHarness } from './suite-env.js';

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

/** Short descriptions of what a scenario left behind, for failure messages. */
import type { Client } from '@temporalio/client';
import type { KindDescriptor } from '../../api/meta.js';
import type { FluxObject, TestCluster } from '../support/cluster.js';

/**
 * How long a reconcile gets to converge once its fault is over: room for a 2-minute activity retry
 * window after a 30 s outage; a stuck reconcile fails here.
 */
const CONVERGE_MS = 180_000;

/** Waits until `ready` holds for the object; on time-out, says what its workflow was doing. */
export async function waitConverged(
  cluster: TestCluster,
  client: Client,
  target: { kind: KindDescriptor; ns: string; name: string; workflowId: string },
  ready: (o: FluxObject) => boolean
): Promise<FluxObject> {
  return cluster.waitForFlux(target.kind, target.ns, target.name, ready, CONVERGE_MS).catch(async (err) => {
    throw new Error(`did not converge: ${String(err)}; workflow ${await describeWorkflow(client, target.workflowId)}`);
  });
}

/** Workflow status, pending activities with their attempts and last failure. */
export async function describeWorkflow(client: Client, workflowId: string): Promise<string> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    const pending = (d.raw.pendingActivities ?? []).map(
      (a) => `${a.activityType?.name} attempt ${a.attempt} (${a.lastFailure?.message ?? 'no failure'})`
    );
    return `${d.status.name} run ${d.runId}${pending.length ? `, pending: ${pending.join('; ')}` : ''}`;
  } catch (err) {
    return `(describe failed: ${String(err)})`;
  }
}

export async function fluxStatus(
  cluster: TestCluster,
  kind: KindDescriptor,
  ns: string,
  name: string
): Promise<string> {
  const o = await cluster.getFlux(kind, ns, name).catch(() => undefined);
  const status = { ...(o?.status ?? {}) } as Record<string, unknown>;
  delete status.inventory;
  return JSON.stringify(status).slice(0, 1500);
}

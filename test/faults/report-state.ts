/** Short descriptions of what a scenario left behind, for failure messages. */
import type { Client } from '@temporalio/client';
import type { KindDescriptor } from '../../api/meta.js';
import type { TestCluster } from '../support/cluster.js';

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

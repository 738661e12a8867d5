import { Context } from '@temporalio/activity';
import type { KubernetesObject } from '@kubernetes/client-node';
import { isSkipped } from '../kube/apply.js';
import { waitHealthy, type HealthTarget } from '../kube/health.js';
import { clientsFor } from '../kube/impersonation.js';
import { classifyBuildError } from './build.js';
import { materialize, readSpec, type MaterializeDeps } from './materialize.js';
import type { HealthInput, HealthResult } from './types.js';

const toTarget = (o: KubernetesObject): HealthTarget => ({
  apiVersion: o.apiVersion ?? '',
  kind: o.kind ?? '',
  name: o.metadata?.name ?? '',
  namespace: o.metadata?.namespace,
});

/** Activities that wait for applied objects to become healthy. */
export interface HealthActivities {
  /**
   * Waits (heartbeating) until the checked objects are Current by kstatus rules, one Failed, or
   * `timeoutMs` passes. `wait: true` checks every applied object, otherwise `healthChecks`.
   * Cancellable: a newer revision cancels the wait. Writes nothing to status.
   */
  checkKustomizationHealth(input: HealthInput): Promise<HealthResult>;
}

export function createHealthActivities(deps: MaterializeDeps & { pollMs?: number }): HealthActivities {
  return {
    async checkKustomizationHealth(input) {
      const ctx = Context.current();
      try {
        const ks = await readSpec(deps.kube, input);
        const targets = ks.spec.wait
          ? (await materialize(deps, input)).objects.filter((o) => !isSkipped(o)).map(toTarget)
          : (ks.spec.healthChecks ?? []).map((h) => ({ ...h, namespace: h.namespace ?? input.ref.namespace }));
        const tenant = clientsFor(deps.kube, input.ref.namespace, ks.spec.serviceAccountName);
        return await waitHealthy(tenant, targets, {
          timeoutMs: input.timeoutMs,
          pollMs: deps.pollMs ?? 2000,
          signal: ctx.cancellationSignal,
          onPoll: (ready, total) => ctx.heartbeat({ ready, total }),
        });
      } catch (err) {
        throw classifyBuildError(err);
      }
    },
  };
}

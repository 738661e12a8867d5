import type { KubernetesObject } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/activity';
import { Reason } from '../../api/reasons.js';
import { applyStaged, ApplyError, defaultApplyOptions } from '../kube/apply.js';
import type { KubeClients } from '../kube/client.js';
import { clientsFor } from '../kube/impersonation.js';
import { dryRunAll } from '../kube/validate.js';
import { classifyBuildError } from './build.js';
import { materialize, type MaterializeDeps } from './materialize.js';
import type { ApplyInput, ApplyResult, StepInput } from './types.js';

export interface ApplyDeps extends MaterializeDeps {
  fieldManager: string;
}

/** Activities that validate and apply a build. */
export interface ApplyActivities {
  /**
   * Server-side dry-runs every object. Any refusal fails non-retryably with reason
   * ReconciliationFailed and the apiserver's messages, before anything was applied. Runs that
   * started before validation moved into `applyKustomization` still call it.
   */
  validateKustomization(input: StepInput): Promise<{ objects: number }>;
  /**
   * Server-side applies in stages, after the same all-or-nothing dry-run when `validate` is set;
   * returns the change-set counts. Idempotent.
   */
  applyKustomization(input: ApplyInput): Promise<ApplyResult>;
}

async function built(deps: ApplyDeps, input: StepInput): Promise<Awaited<ReturnType<typeof materialize>>> {
  try {
    return await materialize(deps, input);
  } catch (err) {
    throw classifyBuildError(err);
  }
}

/** Dry-runs every object; any refusal is a non-retryable ReconciliationFailed naming the first five. */
async function validateAll(deps: ApplyDeps, tenant: KubeClients, objects: KubernetesObject[]): Promise<void> {
  const problems = await dryRunAll(tenant, objects, { fieldManager: deps.fieldManager, concurrency: 8 });
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).map((p) => `${p.object}: ${p.message}`);
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  throw ApplicationFailure.nonRetryable(`dry-run failed: ${shown.join('; ')}${more}`, Reason.ReconciliationFailed);
}

export function createApplyActivities(deps: ApplyDeps): ApplyActivities {
  return {
    async validateKustomization(input) {
      const { objects, spec } = await built(deps, input);
      // Validated and applied as spec.serviceAccountName when set, so its RBAC bounds what gets in.
      await validateAll(deps, clientsFor(deps.kube, input.ref.namespace, spec.serviceAccountName), objects);
      return { objects: objects.length };
    },

    async applyKustomization(input) {
      const { objects, spec } = await built(deps, input);
      const tenant = clientsFor(deps.kube, input.ref.namespace, spec.serviceAccountName);
      if (input.validate) await validateAll(deps, tenant, objects);
      try {
        const changes = await applyStaged(tenant, objects, {
          ...defaultApplyOptions(deps.fieldManager),
          force: spec.force,
        });
        const count = (a: string): number => changes.filter((c) => c.action === a).length;
        return {
          created: count('created'),
          configured: count('configured'),
          unchanged: count('unchanged'),
          skipped: count('skipped'),
        };
      } catch (err) {
        if (err instanceof ApplyError && err.permanent)
          throw ApplicationFailure.nonRetryable(err.message, Reason.ReconciliationFailed);
        throw err;
      }
    },
  };
}

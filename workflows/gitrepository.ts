/**
 * One GitRepository's loop: load → fetch (ls-remote; clone and package only on a new commit) →
 * status, then wait for a request or the interval. The controller sees the new artifact revision
 * in status and signals every Kustomization that uses this source.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { GitRepositoryRef } from '../activities/index.js';
import type { ReconcileRequest, ReconcileResult } from '../api/messages.js';
import { Reason } from '../api/reasons.js';
import { describeFailure } from './failures.js';
import { runReconcileLoop, type PassContext, type PassOutcome } from './reconcile-loop.js';

const shortIo = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 6 },
} as const;
/** Git operations are bounded by spec.timeout inside the activity; this is the outer bound, and they heartbeat. */
const gitOp = {
  ...shortIo,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { ...shortIo.retry, maximumAttempts: 4 },
} as const;

const io = proxyActivities<Activities>(shortIo);
const git = proxyActivities<Activities>(gitOp);

export interface GitRepositoryState {
  handledGeneration?: number;
  handledRequestedAt?: string;
}

export interface GitRepositoryWorkflowInput {
  ref: GitRepositoryRef;
  state?: GitRepositoryState;
  nextInMs?: number;
}

async function pass(
  ref: GitRepositoryRef,
  prior: GitRepositoryState,
  ctx: PassContext
): Promise<PassOutcome<GitRepositoryState>> {
  const started = Date.now();
  const steps: string[] = [];
  const step = (s: string): void => (steps.push(s), ctx.step(s));
  const result = (ready: boolean, reason: string, message: string, revision?: string): ReconcileResult => ({
    ready,
    reason,
    message,
    revision,
    steps,
    durationMs: Date.now() - started,
  });
  step('load');
  const plan = await io.loadGitRepository(ref);
  const state = { ...prior, handledGeneration: plan.generation, handledRequestedAt: plan.requestedAt };
  if (!plan.exists) return { state, result: result(false, 'NotFound', 'object deleted'), nextInMs: 0, done: true };
  if (plan.deleting) {
    step('finalize');
    await io.finalizeGitRepository(ref);
    return { state, result: result(false, 'Deleted', 'finalized'), nextInMs: 0, done: true };
  }
  if (plan.suspended) return { state, result: result(false, Reason.Suspended, 'suspended'), nextInMs: plan.intervalMs };
  const common = { kind: 'GitRepository' as const, ref, lastHandledReconcileAt: plan.requestedAt };
  if (plan.invalidSpec) {
    const message = `invalid spec: ${plan.invalidSpec}`;
    await io.writeStatus({
      ...common,
      ready: { status: 'False', reason: Reason.Failed, message },
      stalled: { status: 'True', reason: Reason.Failed, message },
      observedGeneration: plan.generation,
    });
    return { state, result: result(false, Reason.Failed, message), nextInMs: plan.intervalMs };
  }
  try {
    step('fetch');
    const fetched = await git.fetchGitRepository({ ref, generation: plan.generation });
    const { revision } = fetched.artifact;
    const message = `stored artifact for revision '${revision}'`;
    await io.writeStatus({
      ...common,
      ready: { status: 'True', reason: Reason.Succeeded, message },
      reconciling: 'remove',
      stalled: 'remove',
      conditions: { ArtifactInStorage: { status: 'True', reason: Reason.Succeeded, message }, FetchFailed: 'remove' },
      observedGeneration: plan.generation,
      fields: { artifact: fetched.artifact },
    });
    return {
      state,
      result: result(true, fetched.changed ? Reason.NewArtifact : Reason.ArtifactUpToDate, message, revision),
      nextInMs: plan.intervalMs,
    };
  } catch (err) {
    const { reason, message } = describeFailure(err, Reason.GitOperationFailed);
    await io.writeStatus({
      ...common,
      ready: { status: 'False', reason, message },
      reconciling: { status: 'True', reason: Reason.ProgressingWithRetry, message },
      conditions: { FetchFailed: { status: 'True', reason, message } },
    });
    return { state, result: result(false, reason, message), nextInMs: plan.intervalMs };
  }
}

function isNew(state: GitRepositoryState, req: ReconcileRequest): boolean {
  if (req.reason === 'created' || req.reason === 'generation')
    return req.generation === undefined || req.generation !== state.handledGeneration;
  if (req.reason === 'annotation') return req.requestedAt !== state.handledRequestedAt;
  return true;
}

/** The long-running workflow of one GitRepository. */
export async function gitRepositoryWorkflow(input: GitRepositoryWorkflowInput): Promise<void> {
  await runReconcileLoop<GitRepositoryState, GitRepositoryWorkflowInput>(
    { pass: (s, ctx) => pass(input.ref, s, ctx), isNew },
    input,
    {},
    gitRepositoryWorkflow
  );
}

/**
 * One Kustomization's reconcile loop, Flux's algorithm with each step an activity:
 * load → (finalize | suspend | dependencies | source) → build → apply (dry-run first) → prune →
 * health → status, then wait for a request or the interval.
 */
import { CancellationScope, condition, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type {
  ApplyResult,
  ArtifactRef,
  HealthResult,
  KustomizationPlan,
  KustomizationRef,
  PruneResult,
  StatusInput,
  StepInput,
} from '../activities/index.js';
import type { ReconcileRequest, ReconcileResult } from '../api/messages.js';
import { Reason } from '../api/reasons.js';
import { describeFailure, isCancellation } from './failures.js';
import { localIo, shortIo } from './activity-options.js';
import { isNewRequest, runReconcileLoop, type PassContext, type PassOutcome } from './reconcile-loop.js';
import { SKIP_UNCHANGED_WRITES, upsertChangedSearchAttributes } from './search-attributes.js';

/** Builds run kustomize; the artifact may need extracting first. */
const build = { ...shortIo, startToCloseTimeout: '5 minutes' } as const;
/** Health waits heartbeat, so a dead worker is noticed in seconds and a cancel arrives promptly. */
const longWait = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '10 seconds',
  // Attempts fail only when the apiserver is unreachable (unhealthy objects are a result, not an
  // error): ride out an outage of about two minutes before the pass reports it.
  retry: { ...shortIo.retry, maximumAttempts: 10 },
} as const;

const io = proxyActivities<Activities>(shortIo);
const builder = proxyActivities<Activities>(build);
const waiter = proxyActivities<Activities>(longWait);
const local = proxyLocalActivities<Activities>(localIo);

/**
 * Runs that carry this marker load and write status through local activities, skip the "in
 * progress" write when a pass only re-applies what is already applied (the interval's drift
 * correction: Ready stays True instead of flickering to Unknown), and skip the dry-run validation
 * of a build identical to the last one applied. A pass that changes nothing records about half
 * the history events. Older runs replay without it (see SKIP_UNCHANGED_WRITES).
 */
const LEAN_PASS = 'lean-status-io';
const statusIo = (): Pick<Activities, 'loadKustomization' | 'writeStatus'> => (patched(LEAN_PASS) ? local : io);

/**
 * Runs that carry this marker validate inside the apply activity (its dry-run first, all or
 * nothing, as Flux validates within its apply) and run apply and prune as local activities, like
 * load and status: apiserver requests under the same one-minute timeout and retries, one marker
 * event each and no workflow task of their own. In the benchmark a new object's first pass took
 * 5.6 workflow tasks and 45 history events, and takes 2.4 and 29. They run on the worker that runs
 * the workflow, which holds the build they apply (eager dispatch usually runs the build there too).
 * Older runs replay with the separate validateKustomization step and normal activities.
 */
const LOCAL_APPLY = 'local-apply-prune';

/** State carried across passes and continue-as-new: small and plain. */
export interface KustomizationState {
  handledGeneration?: number;
  handledRequestedAt?: string;
  lastAttemptedRevision?: string;
  /** The last revision that applied and passed its health checks: the rollback target. */
  lastHealthy?: ArtifactRef;
  /** Build digest of the last successful apply: the same build again needs no dry-run validation. */
  lastAppliedDigest?: string;
  /**
   * What the last pass that found the source or a dependency not ready wrote (reason, message,
   * generation, request token); a pass that would write the same skips writeStatus.
   */
  waitingWritten?: string;
}

export interface KustomizationWorkflowInput {
  ref: KustomizationRef;
  state?: KustomizationState;
  nextInMs?: number;
}

type Failure = { reason: string; message: string };
const since = (t: number): number => Date.now() - t;

type Applied = { applied: ApplyResult; pruned: PruneResult };

/**
 * Validates (unless `validate` is false), applies and prunes: inside apply and as local activities
 * in runs with LOCAL_APPLY, as a separate step and activity tasks in the runs before it.
 */
async function applyAndPrune(input: StepInput, validate: boolean, prune: boolean, ctx: PassContext): Promise<Applied> {
  const inApply = patched(LOCAL_APPLY);
  const steps = inApply ? local : io;
  if (validate && !inApply) {
    ctx.step('validate');
    await io.validateKustomization(input);
  }
  ctx.step('apply');
  const applied = await steps.applyKustomization(inApply ? { ...input, validate } : input);
  ctx.step('prune');
  return { applied, pruned: await steps.pruneKustomization({ ...input, prune }) };
}

/** Builds, validates, applies, prunes and health-checks one artifact; returns a failure or the health result. */
async function deploy(
  ref: KustomizationRef,
  plan: KustomizationPlan,
  artifact: ArtifactRef,
  ctx: PassContext,
  validatedDigest?: string
): Promise<{ digest: string; changed?: number; failure?: Failure; health?: HealthResult }> {
  const input = { ref, generation: plan.generation, artifact };
  let digest = '';
  let changed: number | undefined;
  try {
    ctx.step('build');
    digest = (await builder.buildKustomization(input)).digest;
    // The apiserver accepted exactly these manifests at the last apply; apply itself still
    // reports anything that changed since (a removed CRD, a new admission policy).
    const validate = !(patched(LEAN_PASS) && digest === validatedDigest);
    const { applied, pruned } = await applyAndPrune(input, validate, plan.prune, ctx);
    changed = applied.created + applied.configured + pruned.deleted;
  } catch (err) {
    return { digest, failure: describeFailure(err) };
  }
  if (!plan.checksHealth) return { digest, changed };
  ctx.step('health');
  const scope = new CancellationScope();
  let settled = false;
  // A newer source revision cancels the wait instead of making it sit out the old timeout.
  const watcher = condition(() => settled || ctx.newerSourceThan(artifact.revision)).then(
    () => settled || scope.cancel()
  );
  try {
    const health = await scope.run(() => waiter.checkKustomizationHealth({ ...input, timeoutMs: plan.timeoutMs }));
    return {
      digest,
      changed,
      health,
      ...(health.healthy ? {} : { failure: { reason: Reason.HealthCheckFailed, message: health.message } }),
    };
  } catch (err) {
    if (isCancellation(err))
      return {
        digest,
        changed,
        failure: {
          reason: Reason.HealthCheckCanceled,
          message: `health check for ${artifact.revision} canceled: a newer revision arrived`,
        },
      };
    return { digest, changed, failure: describeFailure(err, Reason.HealthCheckFailed) };
  } finally {
    settled = true;
    await watcher;
  }
}

/** Writes the end-of-pass status and returns the pass outcome. */
async function finish(
  ref: KustomizationRef,
  plan: KustomizationPlan,
  state: KustomizationState,
  result: ReconcileResult,
  status: Omit<StatusInput, 'ref'>
): Promise<PassOutcome<KustomizationState>> {
  await statusIo().writeStatus({ ref, lastHandledReconcileAt: plan.requestedAt, ...status });
  upsertChangedSearchAttributes(result);
  return { state, result, nextInMs: result.ready ? plan.intervalMs : plan.retryIntervalMs };
}

/**
 * Reports a source or dependency that is not ready yet, writing status only when what it would
 * write changed: the source's and dependencies' own transitions wake this loop (see
 * workers/controller/triggers.ts), and each wake must not cost a status write and an event.
 */
async function waitFor(
  ref: KustomizationRef,
  plan: KustomizationPlan,
  state: KustomizationState,
  result: ReconcileResult,
  fail: (reason: string, message: string) => Promise<PassOutcome<KustomizationState>>
): Promise<PassOutcome<KustomizationState>> {
  const written = JSON.stringify([result.reason, result.message, plan.generation, plan.requestedAt ?? '']);
  if (patched(SKIP_UNCHANGED_WRITES) && state.waitingWritten === written)
    return { state, result, nextInMs: plan.retryIntervalMs };
  const outcome = await fail(result.reason, result.message);
  return { ...outcome, state: { ...outcome.state, waitingWritten: written } };
}

async function pass(
  ref: KustomizationRef,
  prior: KustomizationState,
  ctx: PassContext
): Promise<PassOutcome<KustomizationState>> {
  const started = Date.now();
  const steps: string[] = [];
  const step = (s: string): void => (steps.push(s), ctx.step(s));
  step('load');
  const plan = await statusIo().loadKustomization(ref);
  // Carried only while passes keep waiting; any other outcome drops it (see waitFor).
  const { waitingWritten, ...carried } = prior;
  const state: KustomizationState = {
    ...carried,
    handledGeneration: plan.generation,
    handledRequestedAt: plan.requestedAt,
  };
  // Filled once the deploy has counted its changes; results made before that carry no count.
  const counted: Pick<ReconcileResult, 'objectsChanged'> = {};
  const result = (ready: boolean, reason: string, message: string, revision?: string): ReconcileResult => ({
    ready,
    reason,
    message,
    revision,
    steps,
    durationMs: since(started),
    ...counted,
  });
  if (!plan.exists) return { state, result: result(false, 'NotFound', 'object deleted'), nextInMs: 0, done: true };
  if (plan.deleting) {
    step('finalize');
    await io.finalizeKustomization(ref);
    return { state, result: result(false, 'Deleted', 'finalized'), nextInMs: 0, done: true };
  }
  if (plan.suspended) return { state, result: result(false, Reason.Suspended, 'suspended'), nextInMs: plan.intervalMs };
  const fail = (
    reason: string,
    message: string,
    extra: Omit<StatusInput, 'ref' | 'ready'> = {},
    revision?: string
  ): Promise<PassOutcome<KustomizationState>> =>
    finish(ref, plan, state, result(false, reason, message, revision), {
      ready: { status: 'False', reason, message },
      reconciling: { status: 'True', reason: Reason.ProgressingWithRetry, message },
      ...extra,
    });
  if (plan.invalidSpec)
    return fail(Reason.ReconciliationFailed, `invalid spec: ${plan.invalidSpec}`, {
      stalled: { status: 'True', reason: Reason.ReconciliationFailed, message: plan.invalidSpec },
      observedGeneration: plan.generation,
    });
  if (plan.accessDenied) return fail(Reason.AccessDenied, plan.accessDenied);
  if (!plan.dependencies.ready) {
    const message = plan.dependencies.message;
    return waitFor(ref, plan, { ...state, waitingWritten }, result(false, Reason.DependencyNotReady, message), fail);
  }
  if (!plan.source.ready) {
    const message = plan.source.message;
    return waitFor(ref, plan, { ...state, waitingWritten }, result(false, Reason.ArtifactFailed, message), fail);
  }
  const artifact = plan.source.artifact;
  const resync = plan.lastAppliedRevision === artifact.revision && prior.handledGeneration === plan.generation;
  state.lastAttemptedRevision = artifact.revision;
  if (!(patched(LEAN_PASS) && resync))
    await statusIo().writeStatus({
      ref,
      ready: { status: 'Unknown', reason: Reason.Progressing, message: 'Reconciliation in progress' },
      reconciling: { status: 'True', reason: Reason.Progressing, message: `Applying revision ${artifact.revision}` },
      lastAttemptedRevision: artifact.revision,
    });
  const outcome = await deploy(ref, plan, artifact, { ...ctx, step }, prior.lastAppliedDigest);
  if (outcome.changed !== undefined) counted.objectsChanged = outcome.changed;
  const history = (status: string): StatusInput['history'] =>
    outcome.digest
      ? { digest: outcome.digest, status, revision: artifact.revision, durationMs: since(started) }
      : undefined;
  // Only a build that applied cleanly counts as validated; any failure validates the next pass again.
  state.lastAppliedDigest = outcome.failure ? undefined : outcome.digest;
  if (!outcome.failure) {
    state.lastHealthy = artifact;
    const message = `Applied revision: ${artifact.revision}`;
    return finish(ref, plan, state, result(true, Reason.ReconciliationSucceeded, message, artifact.revision), {
      ready: { status: 'True', reason: Reason.ReconciliationSucceeded, message },
      reconciling: 'remove',
      stalled: 'remove',
      healthy: plan.checksHealth
        ? { status: 'True', reason: Reason.Succeeded, message: 'Health check passed' }
        : 'remove',
      observedGeneration: plan.generation,
      lastAppliedRevision: artifact.revision,
      history: history(Reason.ReconciliationSucceeded),
    });
  }
  const { reason, message } = outcome.failure;
  const healthFailed = reason === Reason.HealthCheckFailed;
  const unhealthy: Omit<StatusInput, 'ref' | 'ready'> = healthFailed
    ? { healthy: { status: 'False', reason, message } }
    : {};
  if (healthFailed && plan.rollbackEnabled && prior.lastHealthy && prior.lastHealthy.revision !== artifact.revision) {
    return rollback(ref, plan, state, prior.lastHealthy, artifact, message, { ...ctx, step }, fail);
  }
  return fail(
    reason,
    message,
    { ...unhealthy, history: history(healthFailed ? Reason.HealthCheckFailed : Reason.ReconciliationFailed) },
    artifact.revision
  );
}

/** Re-applies the last healthy revision after `bad` failed its health checks; Ready stays False, naming both. */
async function rollback(
  ref: KustomizationRef,
  plan: KustomizationPlan,
  state: KustomizationState,
  good: ArtifactRef,
  bad: ArtifactRef,
  why: string,
  ctx: PassContext,
  fail: (
    reason: string,
    message: string,
    extra?: Omit<StatusInput, 'ref' | 'ready'>,
    revision?: string
  ) => Promise<PassOutcome<KustomizationState>>
): Promise<PassOutcome<KustomizationState>> {
  ctx.step('rollback');
  const restored = await deploy(ref, plan, good, ctx);
  const healthy = { status: 'False', reason: Reason.HealthCheckFailed, message: why } as const;
  if (restored.failure) {
    return fail(
      Reason.RollbackFailed,
      `revision ${bad.revision} failed health checks (${why}); rollback to ${good.revision} failed: ${restored.failure.message}`,
      { healthy },
      bad.revision
    );
  }
  return fail(
    Reason.RolledBack,
    `rolled back from ${bad.revision} to ${good.revision}: ${why}`,
    { healthy, lastAppliedRevision: good.revision },
    good.revision
  );
}

/** Whether a request still needs handling, given what the state shows was handled. */
function isNew(state: KustomizationState, req: ReconcileRequest): boolean {
  if (req.reason === 'source') return req.revision !== state.lastAttemptedRevision;
  return isNewRequest(state, req);
}

/** The long-running workflow of one Kustomization. */
export async function kustomizationWorkflow(input: KustomizationWorkflowInput): Promise<void> {
  await runReconcileLoop<KustomizationState, KustomizationWorkflowInput>(
    { pass: (state, ctx) => pass(input.ref, state, ctx), isNew },
    input,
    {},
    kustomizationWorkflow
  );
}

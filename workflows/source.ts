/**
 * The loop every source kind shares (GitRepository, HelmRepository, HelmChart): load → fetch
 * (upstream checked cheaply; downloaded and stored only when it changed) → status, then wait for a
 * request or the interval. The controller sees a new artifact revision in status and signals the
 * objects that use the source.
 */
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities, SourceKind, SourceRef } from '../activities/index.js';
import type { ReconcileResult } from '../api/messages.js';
import { Reason } from '../api/reasons.js';
import { describeFailure } from './failures.js';
import { localIo, shortIo } from './activity-options.js';
import { isNewRequest, runReconcileLoop, type PassContext, type PassOutcome } from './reconcile-loop.js';

/** Downloads are bounded by spec.timeout inside the activity; this is the outer bound, and they heartbeat. */
const download = {
  ...shortIo,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { ...shortIo.retry, maximumAttempts: 4 },
} as const;

const io = proxyActivities<Activities>(shortIo);
const fetcher = proxyActivities<Activities>(download);
const local = proxyLocalActivities<Activities>(localIo);

/**
 * Runs that carry this marker load the source and write its status through local activities, as
 * the Kustomization and HelmRelease loops do: a pass that finds upstream unchanged (every interval
 * of every source) then costs 1 activity and 2 workflow tasks instead of 3 and 4. Asked at the
 * start of the pass, before any local activity (see docs/architecture.md on patches). Older runs
 * replay with normal activities.
 */
const LEAN_PASS = 'source-local-status-io';

export interface SourceState {
  handledGeneration?: number;
  handledRequestedAt?: string;
}

export interface SourceWorkflowInput {
  ref: { namespace: string; name: string };
  state?: SourceState;
  nextInMs?: number;
}

async function pass(ref: SourceRef, prior: SourceState, ctx: PassContext): Promise<PassOutcome<SourceState>> {
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
  const statusIo: Pick<Activities, 'loadSource' | 'writeStatus'> = patched(LEAN_PASS) ? local : io;
  const plan = await statusIo.loadSource(ref);
  const state = { ...prior, handledGeneration: plan.generation, handledRequestedAt: plan.requestedAt };
  if (!plan.exists) return { state, result: result(false, 'NotFound', 'object deleted'), nextInMs: 0, done: true };
  if (plan.deleting) {
    step('finalize');
    await io.finalizeSource(ref);
    return { state, result: result(false, 'Deleted', 'finalized'), nextInMs: 0, done: true };
  }
  if (plan.suspended) return { state, result: result(false, Reason.Suspended, 'suspended'), nextInMs: plan.intervalMs };
  const common = {
    kind: ref.kind,
    ref: { namespace: ref.namespace, name: ref.name },
    lastHandledReconcileAt: plan.requestedAt,
  };
  if (plan.invalidSpec) {
    const message = `invalid spec: ${plan.invalidSpec}`;
    await statusIo.writeStatus({
      ...common,
      ready: { status: 'False', reason: Reason.Failed, message },
      stalled: { status: 'True', reason: Reason.Failed, message },
      observedGeneration: plan.generation,
    });
    return { state, result: result(false, Reason.Failed, message), nextInMs: plan.intervalMs };
  }
  try {
    step('fetch');
    const fetched = await fetcher.fetchSource({ ref, generation: plan.generation });
    const revision = fetched.artifact?.revision;
    const message = revision ? `stored artifact for revision '${revision}'` : 'static source: nothing to fetch';
    await statusIo.writeStatus({
      ...common,
      ready: { status: 'True', reason: Reason.Succeeded, message },
      reconciling: 'remove',
      stalled: 'remove',
      conditions: {
        ArtifactInStorage: revision ? { status: 'True', reason: Reason.Succeeded, message } : 'remove',
        FetchFailed: 'remove',
      },
      observedGeneration: plan.generation,
      fields: { ...fetched.observed, ...(fetched.artifact ? { artifact: fetched.artifact } : {}) },
    });
    const reason = fetched.changed ? Reason.NewArtifact : Reason.ArtifactUpToDate;
    return { state, result: result(true, reason, message, revision), nextInMs: plan.intervalMs };
  } catch (err) {
    const { reason, message } = describeFailure(err, Reason.Failed);
    await statusIo.writeStatus({
      ...common,
      ready: { status: 'False', reason, message },
      reconciling: { status: 'True', reason: Reason.ProgressingWithRetry, message },
      // A refused or invalid URL cannot work until the spec changes: Stalled, as Flux marks it.
      ...(reason === Reason.URLInvalid ? { stalled: { status: 'True' as const, reason, message } } : {}),
      conditions: { FetchFailed: { status: 'True', reason, message } },
    });
    return { state, result: result(false, reason, message), nextInMs: plan.intervalMs };
  }
}

function sourceLoop(
  kind: SourceKind,
  input: SourceWorkflowInput,
  self: (i: SourceWorkflowInput) => Promise<void>
): Promise<void> {
  const ref = { kind, ...input.ref };
  return runReconcileLoop<SourceState, SourceWorkflowInput>(
    { pass: (s, ctx) => pass(ref, s, ctx), isNew: isNewRequest },
    input,
    {},
    self
  );
}

/** The long-running workflow of one GitRepository. */
export async function gitRepositoryWorkflow(input: SourceWorkflowInput): Promise<void> {
  await sourceLoop('GitRepository', input, gitRepositoryWorkflow);
}

/** The long-running workflow of one HelmRepository. */
export async function helmRepositoryWorkflow(input: SourceWorkflowInput): Promise<void> {
  await sourceLoop('HelmRepository', input, helmRepositoryWorkflow);
}

/** The long-running workflow of one HelmChart. */
export async function helmChartWorkflow(input: SourceWorkflowInput): Promise<void> {
  await sourceLoop('HelmChart', input, helmChartWorkflow);
}

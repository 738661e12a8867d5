/**
 * One HelmRelease's reconcile loop, helm-controller's algorithm with each Helm action an activity:
 * load (ensure HelmChart, dependencies) → observe release → decide (pure) → act → decide again …
 * → status, then wait for a request or the interval.
 */
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type {
  Activities,
  ActionResult,
  HelmReleasePlan,
  HelmReleaseRef,
  ReleaseSnapshot,
} from '../activities/index.js';
import type { ReconcileResult } from '../api/messages.js';
import { Reason } from '../api/reasons.js';
import { describeFailure } from './failures.js';
import { decideReleaseAction, type ReleaseDecision } from './helmrelease-decide.js';
import { localIo, shortIo } from './activity-options.js';
import { isNewRequest, runReconcileLoop, type PassContext, type PassOutcome } from './reconcile-loop.js';
import { upsertAll, upsertOnlyChanged } from './search-attributes.js';

/** Helm actions wait for readiness (up to spec.timeout, several times for hooks); they heartbeat. */
const helmAction = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  // Helm's own failures (render, hooks, --wait timeouts) are classified permanent and fail at once;
  // what is retried is an unreachable apiserver, for about two minutes like every other step.
  retry: { ...shortIo.retry, maximumAttempts: 10 },
} as const;

const io = proxyActivities<Activities>(shortIo);
const helm = proxyActivities<Activities>(helmAction);
const local = proxyLocalActivities<Activities>(localIo);

/**
 * Runs that carry this marker load the HelmRelease and write its status through local activities
 * (one marker event each, no workflow task of their own: a normal activity costs three events and
 * a task), and upsert search attributes only when they change. Older runs replay without it.
 */
const LEAN_PASS = 'helmrelease-lean-status-io';
const statusIo = (): Pick<Activities, 'loadHelmRelease' | 'writeStatus'> => (patched(LEAN_PASS) ? local : io);

/**
 * Runs that carry this marker observe the release through a local activity too: it reads helm's
 * storage and the values (plus `helm get manifest` and a dry-run when drift detection is on), under
 * the same one-minute timeout, and ran twice per pass as a normal activity with a workflow task
 * each. Older runs replay with the normal activity.
 */
const LOCAL_OBSERVE = 'helmrelease-local-observe';

/** How soon a HelmRelease whose chart is not ready looks again. */
const SOURCE_REQUEUE_MS = 30_000;

/** Actions per pass: an upgrade, its test and a remediation, retried within the remediation budget. */
const MAX_ACTIONS_PER_PASS = 8;

export interface HelmReleaseState {
  handledGeneration?: number;
  handledRequestedAt?: string;
}

export interface HelmReleaseWorkflowInput {
  ref: HelmReleaseRef;
  state?: HelmReleaseState;
  nextInMs?: number;
}

type Plan = HelmReleasePlan & { history: ReleaseSnapshot[] };
const READY_ACTIONS = { install: Reason.InstallSucceeded, upgrade: Reason.UpgradeSucceeded } as const;
const FAILED_ACTIONS = { install: Reason.InstallFailed, upgrade: Reason.UpgradeFailed } as const;

/** Mutable bookkeeping of one pass, written to status at its end. */
interface Books {
  history: ReleaseSnapshot[];
  failures: { install: number; upgrade: number; total: number };
  lastAction?: 'install' | 'upgrade';
  conditions: Record<string, { status: 'True' | 'False'; reason: string; message: string }>;
  last?: { ok: boolean; reason: string; message: string };
}

function record(books: Books, result: ActionResult): void {
  const snap = result.snapshot;
  if (snap) books.history = [snap, ...books.history.filter((h) => h.version !== snap.version)].slice(0, 5);
}

/** Runs the decided action and books its outcome: conditions, failure counters, history. */
async function act(
  d: ReleaseDecision,
  plan: Plan,
  books: Books,
  input: {
    ref: HelmReleaseRef;
    generation: number;
    artifact: NonNullable<Extract<Plan['chart'], { ready: true }>['artifact']>;
    configDigest: string;
  }
): Promise<void> {
  switch (d.action) {
    case 'install':
    case 'upgrade': {
      const r = d.action === 'install' ? await helm.helmInstall(input) : await helm.helmUpgrade(input);
      record(books, r);
      books.lastAction = d.action;
      const reason = r.ok ? READY_ACTIONS[d.action] : FAILED_ACTIONS[d.action];
      books.conditions.Released = { status: r.ok ? 'True' : 'False', reason, message: r.message };
      if (!r.ok) {
        books.failures[d.action]++;
        books.failures.total++;
      }
      books.last = { ok: r.ok, reason, message: r.message };
      return;
    }
    case 'test': {
      const r = await helm.helmTest(input);
      const latest = books.history[0];
      if (latest) latest.testHooks = { test: { phase: r.ok ? 'Succeeded' : 'Failed' } };
      const reason = r.ok ? Reason.TestSucceeded : Reason.TestFailed;
      books.conditions.TestSuccess = { status: r.ok ? 'True' : 'False', reason, message: r.message };
      if (!r.ok) books.failures.total++;
      books.last = { ok: r.ok, reason, message: r.message };
      return;
    }
    case 'rollback':
    case 'uninstall': {
      const r =
        d.action === 'rollback'
          ? await helm.helmRollback({ ...input, toRevision: d.rollbackTo })
          : await helm.helmUninstall(input);
      record(books, r);
      const reason =
        d.action === 'rollback'
          ? r.ok
            ? Reason.RollbackSucceeded
            : Reason.RollbackFailed
          : r.ok
            ? Reason.UninstallSucceeded
            : Reason.UninstallFailed;
      books.conditions.Remediated = { status: r.ok ? 'True' : 'False', reason, message: r.message };
      return;
    }
    case 'unlock':
      await helm.helmUnlock(input);
      return;
    case 'correctDrift': {
      const r = await helm.helmCorrectDrift(input);
      const reason = r.ok ? Reason.DriftCorrected : Reason.DriftCorrectionFailed;
      books.conditions.Drifted = { status: r.ok ? 'False' : 'True', reason, message: r.message };
      books.last = { ok: r.ok, reason, message: r.message };
      return;
    }
    default:
      return;
  }
}

async function pass(
  ref: HelmReleaseRef,
  prior: HelmReleaseState,
  ctx: PassContext
): Promise<PassOutcome<HelmReleaseState>> {
  const started = Date.now();
  const steps: string[] = [];
  const step = (s: string): void => (steps.push(s), ctx.step(s));
  step('load');
  // Decided before the first local activity: replay must meet the marker in the same workflow task.
  const observe: Pick<Activities, 'observeRelease'> = patched(LOCAL_OBSERVE) ? local : io;
  const plan = await statusIo().loadHelmRelease(ref);
  const state = { ...prior, handledGeneration: plan.generation, handledRequestedAt: plan.requestedAt };
  const result = (ready: boolean, reason: string, message: string, revision?: string): ReconcileResult => ({
    ready,
    reason,
    message,
    revision,
    steps,
    durationMs: Date.now() - started,
  });
  if (!plan.exists) return { state, result: result(false, 'NotFound', 'object deleted'), nextInMs: 0, done: true };
  if (plan.deleting) {
    step('finalize');
    await io.finalizeHelmRelease(ref);
    return { state, result: result(false, 'Deleted', 'finalized'), nextInMs: 0, done: true };
  }
  if (plan.suspended) return { state, result: result(false, Reason.Suspended, 'suspended'), nextInMs: plan.intervalMs };
  const common = { kind: 'HelmRelease', ref, lastHandledReconcileAt: plan.requestedAt };
  const finishWith = async (
    ready: boolean,
    reason: string,
    message: string,
    extra: Record<string, unknown> = {},
    revision?: string
  ): Promise<PassOutcome<HelmReleaseState>> => {
    const { fields, ...rest } = extra as { fields?: Record<string, unknown> };
    await statusIo().writeStatus({
      ...common,
      ready: { status: ready ? 'True' : 'False', reason, message },
      reconciling: ready ? 'remove' : { status: 'True', reason: Reason.ProgressingWithRetry, message },
      ...(ready ? { stalled: 'remove', observedGeneration: plan.generation } : {}),
      ...rest,
      fields: { helmChart: plan.helmChart, ...fields },
    });
    const outcome = result(ready, reason, message, revision);
    if (patched(LEAN_PASS)) upsertOnlyChanged(outcome);
    else upsertAll(outcome);
    return { state, result: outcome, nextInMs: plan.intervalMs };
  };
  if (plan.invalidSpec)
    return finishWith(false, Reason.Failed, `invalid spec: ${plan.invalidSpec}`, {
      stalled: { status: 'True', reason: Reason.Failed, message: plan.invalidSpec },
    });
  if (plan.accessDenied) return finishWith(false, Reason.AccessDenied, plan.accessDenied);
  if (!plan.dependencies.ready) return finishWith(false, Reason.DependencyNotReady, plan.dependencies.message);
  if (!plan.chart.ready) {
    // Re-check soon (Flux's --requeue-dependency) besides the controller's signal when the chart changes.
    const outcome = await finishWith(false, Reason.ArtifactFailed, plan.chart.message);
    return { ...outcome, nextInMs: Math.min(plan.intervalMs, SOURCE_REQUEUE_MS) };
  }
  const chart = plan.chart;
  const chartVersion = chart.artifact.revision;
  try {
    step('observe');
    let observed = await observe.observeRelease({ ref, generation: plan.generation });
    const { configDigest } = observed;
    // New inputs (or a resetAt request) reset the failure counters, as Flux's MustResetFailures does.
    const changed =
      plan.lastAttempted?.chartVersion !== chartVersion ||
      plan.lastAttempted?.configDigest !== configDigest ||
      plan.lastAttempted?.generation !== plan.generation;
    const books: Books = {
      history: [...plan.history],
      failures: changed || plan.resetRequested ? { install: 0, upgrade: 0, total: 0 } : { ...plan.failures },
      lastAction: plan.lastAttempted?.action,
      conditions: {},
    };
    const input = { ref, generation: plan.generation, artifact: chart.artifact, configDigest };
    let decision: ReleaseDecision | undefined;
    for (let i = 0; i < MAX_ACTIONS_PER_PASS; i++) {
      decision = decideReleaseAction({
        ...(observed.release
          ? {
              release: {
                ...observed.release,
                status: observed.release.status as never,
                configDigest: observed.release.configDigest ?? '',
              },
            }
          : {}),
        desired: { chartName: chart.chartName, chartVersion, configDigest },
        history: books.history,
        testEnabled: plan.testEnabled,
        failures: books.failures,
        remediation: { install: plan.install, upgrade: plan.upgrade },
        ...(books.lastAction ? { lastAttemptedAction: books.lastAction } : {}),
        force: plan.forceRequested && i === 0,
        driftMode: plan.driftMode,
        driftDetected: (observed.drifted?.length ?? 0) > 0,
      });
      if (observed.drifted?.length) {
        const message = `drift detected in ${observed.drifted.slice(0, 5).join(', ')}`;
        books.conditions.Drifted = { status: 'True', reason: Reason.DriftDetected, message };
      } else if (plan.driftMode !== 'disabled' && observed.release && !books.conditions.Drifted) {
        // A correction earlier in this pass keeps its DriftCorrected reason.
        books.conditions.Drifted = { status: 'False', reason: 'NoDriftDetected', message: 'no drift detected' };
      }
      if (decision.action === 'none' || decision.action === 'stall') break;
      step(decision.action);
      await act(decision, plan, books, input);
      observed = await observe.observeRelease({ ref, generation: plan.generation });
    }
    const fields = {
      history: books.history,
      failures: books.failures.total,
      installFailures: books.failures.install,
      upgradeFailures: books.failures.upgrade,
      lastAttemptedRevision: chartVersion,
      lastAttemptedConfigDigest: configDigest,
      lastAttemptedGeneration: plan.generation,
      ...(books.lastAction ? { lastAttemptedReleaseAction: books.lastAction } : {}),
      storageNamespace: plan.storageNamespace,
      ...(plan.forceRequested ? { lastHandledForceAt: plan.requestedAt } : {}),
      ...(plan.resetRequested ? { lastHandledResetAt: plan.requestedAt } : {}),
    };
    const release = `${plan.targetNamespace}/${plan.releaseName}`;
    if (decision?.action === 'none') {
      const message = `Helm release ${release} in sync with chart ${chart.chartName}@${chartVersion}`;
      return finishWith(
        true,
        books.last?.reason ?? Reason.ReconciliationSucceeded,
        message,
        { conditions: books.conditions, fields },
        chartVersion
      );
    }
    const stalled = decision?.action === 'stall';
    const reason = stalled ? decision!.reason : (books.last?.reason ?? Reason.ReconciliationFailed);
    const message = `${decision?.message ?? 'too many actions in one reconcile'}${books.last && !books.last.ok ? `: ${books.last.message}` : ''}`;
    return finishWith(
      false,
      reason,
      message,
      { conditions: books.conditions, fields, ...(stalled ? { stalled: { status: 'True', reason, message } } : {}) },
      chartVersion
    );
  } catch (err) {
    const { reason, message } = describeFailure(err, Reason.ReconciliationFailed);
    return finishWith(false, reason, message);
  }
}

/** The long-running workflow of one HelmRelease. */
export async function helmReleaseWorkflow(input: HelmReleaseWorkflowInput): Promise<void> {
  await runReconcileLoop<HelmReleaseState, HelmReleaseWorkflowInput>(
    { pass: (s, ctx) => pass(input.ref, s, ctx), isNew: isNewRequest },
    input,
    {},
    helmReleaseWorkflow
  );
}

/**
 * The entity loop every reconcile workflow shares: register handlers, reconcile, wait for a
 * request or the interval, repeat, and continue-as-new while history is still small.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxySinks,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  progressQuery,
  RECENT_RESULTS,
  reconcileNowUpdate,
  requestReconcileSignal,
  type ReconcileProgress,
  type ReconcileRequest,
  type ReconcileResult,
} from '../api/messages.js';
import type { ReconcileSinks } from '../api/sinks.js';
import { describeFailure, isCancellation } from './failures.js';

/** Metrics leave through a sink: not in history, not repeated on replay. */
const { reconcileMetrics } = proxySinks<ReconcileSinks>();

/** What one pass of the kind-specific reconcile tells the loop. */
export interface PassOutcome<S> {
  state: S;
  result: ReconcileResult;
  /** Milliseconds until the next reconcile when nothing asks earlier (interval, or retryInterval on failure). */
  nextInMs: number;
  /** The object is gone (deleted and finalized): end the workflow. */
  done?: boolean;
}

/** Hooks the loop gives a pass while it runs. */
export interface PassContext {
  /** Requests that woke this pass, oldest first. */
  requests: ReconcileRequest[];
  /** True once a request arrived during this pass that asks for a newer source revision than `revision`. */
  newerSourceThan(revision: string | undefined): boolean;
  /** Marks the running step for the progress query. */
  step(name: string): void;
}

/** A kind's reconcile pass plus its request filter. */
export interface LoopDefinition<S> {
  pass(state: S, ctx: PassContext): Promise<PassOutcome<S>>;
  /** False for a request the state shows was already handled (same generation, same token). */
  isNew(state: S, req: ReconcileRequest): boolean;
}

/** What every kind's state records of the requests it handled. */
export interface HandledRequests {
  handledGeneration?: number;
  handledRequestedAt?: string;
}

/**
 * Whether a request still needs handling: a spec change or first sight at a generation not yet
 * reconciled, a requestedAt token not yet handled, or any other event.
 */
export function isNewRequest(state: HandledRequests, req: ReconcileRequest): boolean {
  if (req.reason === 'created' || req.reason === 'generation') {
    return req.generation === undefined || req.generation !== state.handledGeneration;
  }
  if (req.reason === 'annotation') return req.requestedAt !== state.handledRequestedAt;
  return true;
}

/**
 * How soon a pass that threw is retried. Passes catch their steps' failures and report them on the
 * object; what escapes is a step that could not even write that status (the apiserver unreachable
 * beyond its activity retries). Failing the run would stop reconciling until some watch event
 * restarts it; waiting a little and retrying rides out the outage instead.
 */
export const PASS_ERROR_RETRY_MS = 30_000;

/** The outcome of a pass that threw: state unchanged (nothing it handled is recorded), retried soon. */
function survivePassError<S>(err: unknown, state: S, startedAt: number, step: string): PassOutcome<S> {
  if (isCancellation(err)) throw err;
  const { reason, message } = describeFailure(err);
  return {
    state,
    result: { ready: false, reason, message: `${step}: ${message}`, steps: [step], durationMs: Date.now() - startedAt },
    nextInMs: PASS_ERROR_RETRY_MS,
  };
}

/** How many distinct recent requests a run remembers for de-duplication. */
const RECENT_REQUESTS = 64;

/** A result as the history ring keeps it: the message shortened, so the carried input stays small. */
function forHistory(result: ReconcileResult): ReconcileResult {
  const message = result.message.length > 300 ? `${result.message.slice(0, 299)}…` : result.message;
  return { ...result, message };
}

/**
 * Runs that carry this marker drop, when they wake, requests the pass that just finished already
 * handled. A request is checked against the state when it arrives, and one that arrives during a
 * pass (the source turning Ready while the first pass already applies its artifact) was checked
 * against the state before it: each such request cost a whole second pass that changed nothing.
 * Older runs replay without it.
 */
const DROP_HANDLED_REQUESTS = 'drop-handled-requests';

/**
 * Waits up to `ms` for requests the state does not show as handled, and takes them; an empty list
 * means the wait timed out (the interval is due). Requests handled meanwhile are dropped without a
 * pass, and the wait goes on to the same deadline.
 */
async function nextRequests(
  pending: ReconcileRequest[],
  isNew: (req: ReconcileRequest) => boolean,
  ms: number
): Promise<{ woken: boolean; requests: ReconcileRequest[] }> {
  const due = Date.now() + Math.max(1, ms);
  for (;;) {
    const woken = await condition(() => pending.length > 0, Math.max(1, due - Date.now()));
    const requests = pending.splice(0, pending.length);
    if (!woken || !patched(DROP_HANDLED_REQUESTS)) return { woken, requests };
    const fresh = requests.filter(isNew);
    if (fresh.length > 0) return { woken, requests: fresh };
  }
}

/** Reconciles before continue-as-new even if the server has not suggested it; bounds history per run. */
export const MAX_PASSES_PER_RUN = 50;

/**
 * Runs the loop. `self` is the workflow function, so continue-as-new restarts the same type with
 * the carried state (plain JSON only).
 */
export async function runReconcileLoop<S, I extends { state?: S; nextInMs?: number; recent?: ReconcileResult[] }>(
  def: LoopDefinition<S>,
  input: I,
  initial: S,
  _self: (input: I) => Promise<void>
): Promise<void> {
  let state = input.state ?? initial;
  const pending: ReconcileRequest[] = [];
  const progress: ReconcileProgress = { step: 'idle', reconciles: 0, recent: input.recent ?? [] };
  const results: Record<number, ReconcileResult> = {};
  let started = 0;
  let finished = 0;
  let nextIn = input.nextInMs ?? 0;
  // When the oldest request not yet picked up by a pass arrived (workflow time), for the lag metric.
  let waitingSince: number | undefined;

  // Identical requests (several controller replicas see the same event) are handled once, even
  // when the copy arrives while the pass for the first is already running.
  const recent: string[] = [];
  setHandler(requestReconcileSignal, (req) => {
    const key = JSON.stringify(req);
    if (recent.includes(key) || !def.isNew(state, req)) return;
    recent.push(key);
    if (recent.length > RECENT_REQUESTS) recent.shift();
    pending.push(req);
    waitingSince ??= Date.now();
  });
  setHandler(reconcileNowUpdate, async ({ reason }) => {
    // The caller gets the result of the first pass that starts after its request.
    const target = started + 1;
    pending.push({ reason: reason ?? 'manual' });
    waitingSince ??= Date.now();
    await condition(() => finished >= target);
    return results[target] ?? (progress.last as ReconcileResult);
  });
  setHandler(progressQuery, () => progress);

  // The first run reconciles at once: it was started because something asked for it.
  let wake = input.state === undefined;
  for (let passes = 0; ; passes++) {
    let requests: ReconcileRequest[];
    if (wake) requests = pending.splice(0, pending.length);
    else ({ requests } = await nextRequests(pending, (req) => def.isNew(state, req), nextIn));
    started++;
    const waitedMs = waitingSince === undefined ? undefined : Date.now() - waitingSince;
    waitingSince = undefined;
    const passStarted = Date.now();
    const outcome = await def
      .pass(state, {
        requests,
        newerSourceThan: (rev) =>
          pending.some((r) => r.reason === 'source' && r.revision !== undefined && r.revision !== rev),
        step: (name) => (progress.step = name),
      })
      .catch((err: unknown) => survivePassError(err, state, passStarted, progress.step));
    state = outcome.state;
    finished++;
    outcome.result.finishedAt = new Date().toISOString();
    progress.recent = [forHistory(outcome.result), ...(progress.recent ?? [])].slice(0, RECENT_RESULTS);
    results[finished] = outcome.result;
    delete results[finished - 20];
    progress.step = 'idle';
    progress.reconciles++;
    progress.last = outcome.result;
    reconcileMetrics.passFinished({ result: outcome.result, ...(waitedMs === undefined ? {} : { waitedMs }) });
    if (outcome.done) {
      await condition(allHandlersFinished);
      return;
    }
    nextIn = outcome.nextInMs;
    wake = false;
    if (pending.length === 0 && (workflowInfo().continueAsNewSuggested || passes + 1 >= MAX_PASSES_PER_RUN)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof _self>({ ...input, state, nextInMs: nextIn, recent: progress.recent });
    }
  }
}

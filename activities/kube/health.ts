import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClients } from './client.js';
import { isNotFound, isPermanentApiError } from './errors.js';
import { computeStatus } from './kstatus.js';

/** An object to health-check, by apiVersion/kind/namespace/name. */
export interface HealthTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface HealthResult {
  healthy: boolean;
  /** Summary a person can act on: which objects are not ready and why. */
  message: string;
  /** True when an object reported Failed and the wait stopped early (fail fast, as Flux does). */
  failedFast: boolean;
}

export interface HealthOptions {
  timeoutMs: number;
  pollMs: number;
  /** Aborts the wait (activity cancellation, e.g. a newer revision arrived). */
  signal?: AbortSignal;
  /** Called once per poll with the count of ready objects; activities heartbeat from here. */
  onPoll?: (ready: number, total: number) => void;
}

const label = (t: HealthTarget): string => `${t.kind}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

async function statusOf(kube: KubeClients, t: HealthTarget): Promise<{ status: string; message: string }> {
  try {
    const live = await kube.objects.read({
      apiVersion: t.apiVersion,
      kind: t.kind,
      metadata: { name: t.name, namespace: t.namespace },
    });
    return computeStatus(live);
  } catch (err) {
    if (isNotFound(err)) return { status: 'NotFound', message: 'not found' };
    // An apiserver that is restarting or overloaded says nothing about the object: poll again until
    // the timeout, as kstatus does, instead of failing the health check (and the pass) in seconds.
    if (!isPermanentApiError(err))
      return { status: 'Unknown', message: `cannot read it: ${String(err)}`.slice(0, 200) };
    throw err;
  }
}

/**
 * Polls the targets with kstatus rules until all are Current, one is Failed, or the timeout passes.
 * Throws if `signal` aborts, so a cancelled activity ends promptly.
 */
export async function waitHealthy(
  kube: KubeClients,
  targets: HealthTarget[],
  opts: HealthOptions
): Promise<HealthResult> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.signal?.throwIfAborted();
    const statuses = await Promise.all(targets.map(async (t) => ({ t, ...(await statusOf(kube, t)) })));
    const notReady = statuses.filter((s) => s.status !== 'Current');
    opts.onPoll?.(targets.length - notReady.length, targets.length);
    if (notReady.length === 0)
      return { healthy: true, message: `${targets.length} objects healthy`, failedFast: false };
    const failed = notReady.filter((s) => s.status === 'Failed');
    const summary = (list: typeof notReady): string =>
      list
        .slice(0, 5)
        .map((s) => `${label(s.t)} ${s.status}: ${s.message}`)
        .join('; ') + (list.length > 5 ? `; and ${list.length - 5} more` : '');
    if (failed.length > 0)
      return { healthy: false, message: `health check failed: ${summary(failed)}`, failedFast: true };
    if (Date.now() >= deadline) {
      return {
        healthy: false,
        message: `health check timed out after ${Math.round(opts.timeoutMs / 1000)}s: ${summary(notReady)}`,
        failedFast: false,
      };
    }
    await sleep(Math.min(opts.pollMs, Math.max(0, deadline - Date.now())), undefined, { signal: opts.signal });
  }
}

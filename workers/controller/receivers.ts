/**
 * The Receiver status watcher of the controller process: keeps every Receiver's
 * `status.webhookPath` and Ready condition as notification-controller's v1 reconciler does, and
 * answers the webhook route's "which Receiver has this path" from its informer cache.
 *
 * A Receiver is a small, local piece of state (a path derived from a Secret), so it is reconciled
 * here, in-process, not by a Temporal workflow: there are no steps to make durable. Several
 * controller replicas write the same status, which is harmless.
 *
 * @module
 */
import {
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ConditionType, removeCondition, setCondition } from '../../api/conditions.js';
import { parseDuration, validate, type Condition } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import { ReceiverKind, ReceiverSchema, webhookPathFor, type Receiver } from '../../api/receiver.js';
import type { KubeClients } from '../../activities/kube/client.js';
import { patchFluxStatus } from '../../activities/kube/flux-objects.js';
import { readSecretStrings } from '../../activities/kube/secrets.js';
import { UNSUPPORTED_TYPES } from '../http/receivers/validate.js';
import type { ReceiverDirectory } from '../http/receivers/routes.js';
import { REQUESTED_AT_ANNOTATION } from './triggers.js';

/** What checking a Receiver found; decides its next status. */
export type ReceiverCheck =
  | { kind: 'suspended' }
  | { kind: 'invalid'; message: string }
  | { kind: 'no-token'; message: string }
  | { kind: 'ready'; webhookPath: string };

/** The fields of a Receiver (as stored, not yet validated) its status is computed from. */
export interface StoredReceiver {
  metadata?: { generation?: number; annotations?: Record<string, string> };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    webhookPath?: string;
    lastHandledReconcileAt?: string;
  };
}

const TERMINAL_PREFIX = 'Reconciliation failed terminally due to configuration error';

/**
 * The next status, with Flux v1 semantics: Ready=True/Succeeded with the path; Ready=False/
 * TokenNotFound, Reconciling=True and no path while the token is missing; Ready=False and
 * Stalled=True/ValidationFailed for a spec that cannot work. A suspended Receiver keeps its status.
 * `lastHandledReconcileAt` always echoes the requestedAt annotation. `null` removes a field (merge patch).
 */
export function receiverStatus(obj: StoredReceiver, check: ReceiverCheck, now: Date): Record<string, unknown> {
  const generation = obj.metadata?.generation ?? 0;
  const status: Record<string, unknown> = { ...(obj.status ?? {}) };
  const requestedAt = obj.metadata?.annotations?.[REQUESTED_AT_ANNOTATION];
  if (requestedAt !== undefined) status.lastHandledReconcileAt = requestedAt;
  let conditions = obj.status?.conditions ?? [];
  const set = (type: string, s: 'True' | 'False', reason: string, message: string): void => {
    conditions = setCondition(conditions, { type, status: s, reason, message, observedGeneration: generation }, now);
  };
  switch (check.kind) {
    case 'suspended':
      return status;
    case 'invalid':
      set(ConditionType.Ready, 'False', Reason.ValidationFailed, `${TERMINAL_PREFIX}: ${check.message}`);
      set(ConditionType.Stalled, 'True', Reason.ValidationFailed, `${TERMINAL_PREFIX}: ${check.message}`);
      conditions = removeCondition(conditions, ConditionType.Reconciling);
      status.observedGeneration = generation;
      break;
    case 'no-token':
      set(ConditionType.Reconciling, 'True', Reason.ProgressingWithRetry, 'Reconciliation in progress');
      set(ConditionType.Ready, 'False', Reason.TokenNotFound, check.message);
      conditions = removeCondition(conditions, ConditionType.Stalled);
      status.webhookPath = null;
      break;
    case 'ready':
      set(ConditionType.Ready, 'True', Reason.Succeeded, `Receiver initialized for path: ${check.webhookPath}`);
      conditions = removeCondition(removeCondition(conditions, ConditionType.Reconciling), ConditionType.Stalled);
      status.webhookPath = check.webhookPath;
      status.observedGeneration = generation;
      break;
  }
  status.conditions = conditions;
  return status;
}

/** Validates a stored Receiver and rules out what Ballast cannot serve. */
export function assessReceiver(raw: unknown): { ok: true; receiver: Receiver } | { ok: false; message: string } {
  const parsed = validate(ReceiverSchema, raw);
  if (!parsed.ok) return { ok: false, message: parsed.message.replace(/\n/g, '; ') };
  const { spec } = parsed.value;
  if (UNSUPPORTED_TYPES.has(spec.type)) return { ok: false, message: `type ${spec.type} is not supported by Ballast` };
  if (spec.resourceFilter !== undefined || spec.resources.some((r) => r.filter !== undefined)) {
    // Ignoring a filter would request reconciles the author meant to exclude; refuse instead.
    return { ok: false, message: 'CEL filters (resourceFilter, resources[].filter) are not supported by Ballast yet' };
  }
  return { ok: true, receiver: parsed.value };
}

/** Options of {@link ReceiverWatcher}. */
export interface ReceiverWatcherOptions {
  kubeConfig: KubeConfig;
  kube: KubeClients;
  log: Logger;
  /** Watch one namespace only (tenancy, tests); all namespaces when unset. */
  namespace?: string;
  /** Delay before re-checking a Receiver whose token is missing; default 10 s. */
  retryMs?: number;
}

type Stored = StoredReceiver & { metadata?: { name?: string; namespace?: string } };

/** Watches Receivers, writes their status and finds them by webhook path. */
export class ReceiverWatcher implements ReceiverDirectory {
  private informer?: Informer<Stored & { apiVersion?: string; kind?: string }> & ObjectCache<Stored>;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly seen = new Map<string, string>();
  private stopped = false;

  constructor(private readonly opts: ReceiverWatcherOptions) {}

  /** Starts watching; resolves once the Receivers are listed. */
  async start(): Promise<void> {
    const { group, version, plural } = ReceiverKind;
    const ns = this.opts.namespace;
    const custom = this.opts.kubeConfig.makeApiClient(CustomObjectsApi);
    const path = `/apis/${group}/${version}${ns ? `/namespaces/${ns}` : ''}/${plural}`;
    const informer = makeInformer<Stored & { apiVersion?: string; kind?: string }>(
      this.opts.kubeConfig,
      path,
      async () => {
        const gvp = { group, version, plural };
        const list = (await (ns
          ? custom.listNamespacedCustomObject({ ...gvp, namespace: ns })
          : custom.listClusterCustomObject(gvp))) as { items: Stored[]; metadata: { resourceVersion?: string } };
        return {
          ...list,
          items: list.items.map((i) => ({ ...i, apiVersion: ReceiverKind.apiVersion, kind: 'Receiver' })),
        };
      }
    );
    informer.on('add', (obj) => this.onChange(obj));
    informer.on('update', (obj) => this.onChange(obj));
    informer.on('delete', (obj) => this.forget(keyOf(obj)));
    informer.on('error', (err: unknown) => {
      if (this.stopped) return;
      this.opts.log.warn({ err: String(err) }, 'Receiver watch failed; restarting in 2s');
      setTimeout(() => void (this.stopped ? undefined : informer.start().catch(() => undefined)), 2000);
    });
    this.informer = informer;
    await informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    await this.informer?.stop();
  }

  byWebhookPath(path: string): Receiver | undefined {
    for (const obj of this.informer?.list() ?? []) {
      if (obj.status?.webhookPath !== path) continue;
      const parsed = ReceiverSchema.safeParse(obj);
      if (parsed.success) return parsed.data;
    }
    return undefined;
  }

  /** Reconciles on first sight, a spec change or a new requestedAt; ignores its own status writes. */
  private onChange(obj: Stored): void {
    const key = keyOf(obj);
    const trigger = `${obj.metadata?.generation}/${obj.metadata?.annotations?.[REQUESTED_AT_ANNOTATION] ?? ''}`;
    if (this.seen.get(key) === trigger) return;
    this.seen.set(key, trigger);
    this.schedule(key, 0);
  }

  private forget(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.seen.delete(key);
  }

  private schedule(key: string, delayMs: number): void {
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.reconcile(key).catch((err: unknown) => {
        this.opts.log.warn({ receiver: key, err: String(err) }, 'Receiver status update failed; retrying');
        if (!this.stopped) this.schedule(key, this.opts.retryMs ?? 10_000);
      });
    }, delayMs);
    // Timers must not keep a stopping process alive.
    timer.unref();
    this.timers.set(key, timer);
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const obj = this.informer?.get(name, namespace);
    if (!obj || this.stopped) return;
    const { check, nextInMs } = await this.check(obj);
    const status = receiverStatus(obj, check, new Date());
    if (!sameStatus(status, obj.status ?? {})) {
      const ref = {
        group: ReceiverKind.group,
        version: ReceiverKind.version,
        plural: ReceiverKind.plural,
        namespace,
        name,
      };
      await patchFluxStatus(this.opts.kube.custom, ref, status);
    }
    if (nextInMs !== undefined) this.schedule(key, nextInMs);
  }

  /** Validates the spec and derives the path from the Secret's token; says when to check again. */
  private async check(obj: Stored): Promise<{ check: ReceiverCheck; nextInMs?: number }> {
    const assessed = assessReceiver(obj);
    if (!assessed.ok) return { check: { kind: 'invalid', message: assessed.message } };
    const { metadata, spec } = assessed.receiver;
    if (spec.suspend) return { check: { kind: 'suspended' } };
    const namespace = metadata.namespace ?? '';
    const secretName = spec.secretRef?.name ?? '';
    const retryMs = Math.min(this.opts.retryMs ?? 10_000, parseDuration(spec.interval));
    const data = await readSecretStrings(this.opts.kube, namespace, secretName);
    if (data?.token === undefined) {
      const message = data
        ? `invalid '${namespace}/${secretName}' secret data: required field 'token'`
        : `unable to read token from secret '${namespace}/${secretName}': not found`;
      return { check: { kind: 'no-token', message }, nextInMs: retryMs };
    }
    const webhookPath = webhookPathFor(data.token, metadata.name, namespace);
    return { check: { kind: 'ready', webhookPath }, nextInMs: parseDuration(spec.interval) };
  }
}

/** Equal once `null` (a field the merge patch removes) and absence are treated alike. */
function sameStatus(next: Record<string, unknown>, current: object): boolean {
  const plain = (v: object): string => JSON.stringify(v, (_k, x: unknown) => (x === null ? undefined : x));
  return plain(next) === plain(current);
}

function keyOf(obj: Stored): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/**
 * The controller: watches the Flux kinds Ballast serves and keeps one workflow per object alive
 * with `signalWithStart`. Stateless apart from its informer caches, so several replicas can run:
 * their duplicate signals are dropped by the workflows.
 */
import {
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { KINDS } from '../../api/kinds.js';
import type { KindDescriptor } from '../../api/meta.js';
import { requestReconcileSignal, type ReconcileRequest } from '../../api/messages.js';
import { BallastCluster, BallastKind, BallastName, BallastNamespace } from '../../api/search-attributes.js';
import { workflowIdFor } from '../../api/workflow-ids.js';
import { WORKFLOWS, type ServedKind } from './workflows.js';
import { startConfigWatch, type ConfigKind } from './config-watch.js';
import { dependsOn, usesConfig, usesSource, type Watched as WatchedObject } from './dependents.js';
import { observe, triggersFor, type Observed } from './triggers.js';

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  temporal: Client;
  taskQueue: string;
  clusterName: string;
  log: Logger;
  /** Watch one namespace only (tenancy, tests); all namespaces when unset. */
  namespace?: string;
}

type FluxObject = KubernetesObject & { spec?: Record<string, unknown> };
/** The identifying part of any object, whatever type its timestamps have. */
type Named = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
type Watched = { kind: KindDescriptor; informer: Informer<FluxObject> & ObjectCache<FluxObject> };

const keyOf = (obj: KubernetesObject): string => `${obj.metadata?.namespace}/${obj.metadata?.name}`;

/**
 * Signals sent at once when one object wakes many (a source used by 1000 Kustomizations): one
 * after the other they took a round trip each, and the last user heard of its new revision
 * seconds after the first.
 */
const FAN_OUT_CONCURRENCY = 16;

/**
 * A reconcile's workflow tasks also run its local activities (loading the object, writing status),
 * so on a saturated worker one can outlast Temporal's default 10 s: the server then times it out and
 * schedules it again, and the work done is thrown away (1000 Kustomizations on 2 cores fell into
 * that loop). Continue-as-new keeps the value.
 */
const RECONCILE_WORKFLOW_TASK_TIMEOUT = '30 seconds';

/** Runs `fn` for every item, `FAN_OUT_CONCURRENCY` at a time. */
async function fanOut<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  const limit = pLimit(FAN_OUT_CONCURRENCY);
  await Promise.all(items.map((item) => limit(() => fn(item))));
}

/** Watches GitRepositories and Kustomizations and signals their workflows. */
export class Controller {
  private readonly seen = new Map<string, Observed>();
  private readonly watched: Watched[] = [];
  private readonly configInformers: Informer<KubernetesObject>[] = [];
  private stopped = false;

  constructor(private readonly opts: ControllerOptions) {}

  /** Starts the informers; resolves once each has listed its objects. */
  async start(): Promise<void> {
    for (const kind of Object.values(KINDS).filter((k) => k.kind in WORKFLOWS)) {
      const ns = this.opts.namespace;
      const path = `/apis/${kind.group}/${kind.version}${ns ? `/namespaces/${ns}` : ''}/${kind.plural}`;
      const custom = this.opts.kubeConfig.makeApiClient(CustomObjectsApi);
      const informer = makeInformer<FluxObject>(this.opts.kubeConfig, path, async () => {
        const gvp = { group: kind.group, version: kind.version, plural: kind.plural };
        const list = (await (ns
          ? custom.listNamespacedCustomObject({ ...gvp, namespace: ns })
          : custom.listClusterCustomObject(gvp))) as {
          items: FluxObject[];
          metadata: { resourceVersion?: string };
        };
        return { ...list, items: list.items.map((i) => ({ ...i, apiVersion: kind.apiVersion, kind: kind.kind })) };
      });
      const onChange = (obj: FluxObject): void => void this.handle(kind.kind as ServedKind, obj, false);
      informer.on('add', onChange);
      informer.on('update', onChange);
      informer.on('delete', (obj) => void this.handle(kind.kind as ServedKind, obj, true));
      informer.on('error', (err: unknown) => {
        if (this.stopped) return;
        this.opts.log.warn({ kind: kind.kind, err: String(err) }, 'watch failed; restarting in 2s');
        setTimeout(() => void (this.stopped ? undefined : informer.start().catch(() => undefined)), 2000);
      });
      this.watched.push({ kind, informer });
      await informer.start();
    }
    this.configInformers.push(
      ...(await startConfigWatch({
        kubeConfig: this.opts.kubeConfig,
        namespace: this.opts.namespace,
        log: this.opts.log,
        stopped: () => this.stopped,
        onChange: (kind, obj, token) => void this.configChanged(kind, obj, token),
      }))
    );
    this.opts.log.info({ kinds: this.watched.map((w) => w.kind.kind) }, 'controller watching');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.watched, ...this.configInformers.map((informer) => ({ informer }))].map((w) => w.informer.stop())
    );
  }

  /** A watched ConfigMap or Secret changed: reconcile every object that reads it. */
  private async configChanged(kind: ConfigKind, obj: KubernetesObject, token: string): Promise<void> {
    const subject = { kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
    await fanOut(
      this.all().filter((o) => usesConfig(o, subject)),
      (user) => this.signal(user.kind as ServedKind, user, { reason: 'config', token })
    );
  }

  private async handle(kind: ServedKind, obj: FluxObject, deleted: boolean): Promise<void> {
    const key = `${kind}/${keyOf(obj)}`;
    const now = observe(obj);
    const prev = this.seen.get(key);
    if (deleted) {
      this.seen.delete(key);
      await this.signalRunning(kind, obj, { reason: 'deleted' });
      return;
    }
    this.seen.set(key, now);
    const triggers = triggersFor(prev, now);
    for (const req of triggers.self) await this.signal(kind, obj, req);
    const subject = { kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
    if (triggers.newRevision || triggers.readyChanged) {
      const revision = now.artifactRevision;
      await fanOut(
        this.all().filter((o) => usesSource(o, subject)),
        (dep) =>
          this.signal(dep.kind as ServedKind, dep, {
            reason: 'source',
            ...(revision ? { revision } : {}),
            token: `ready=${now.readyState}@${now.generation}/${now.ready}`,
          })
      );
    }
    if (triggers.becameReady) {
      // Event-driven dependsOn: dependents start now, not at Flux's 30 s requeue.
      await fanOut(
        this.all().filter((o) => dependsOn(o, subject)),
        (dep) =>
          this.signal(dep.kind as ServedKind, dep, {
            reason: 'dependency',
            token: `${kind}/${keyOf(obj)}@${now.appliedRevision}/${now.generation}`,
          })
      );
    }
  }

  /** Every object in the informer caches with its kind; metrics read them at scrape time. */
  cachedObjects(): { kind: KindDescriptor; object: unknown }[] {
    return this.watched.flatMap((w) => w.informer.list().map((object) => ({ kind: w.kind, object })));
  }

  /** Every watched object, tagged with its kind (informer caches hold objects as listed). */
  private all(): WatchedObject[] {
    return this.watched.flatMap((w) => w.informer.list().map((o) => ({ ...(o as object), kind: w.kind.kind })));
  }

  /** Signals the workflow only if it runs: a deleted object needs no new workflow. */
  private async signalRunning(kind: ServedKind, obj: Named, req: ReconcileRequest): Promise<void> {
    const workflowId = workflowIdFor({
      cluster: this.opts.clusterName,
      kind,
      namespace: obj.metadata?.namespace ?? '',
      name: obj.metadata?.name ?? '',
    });
    await this.opts.temporal.workflow
      .getHandle(workflowId)
      .signal(requestReconcileSignal, req)
      .catch((err: unknown) => this.opts.log.debug({ workflowId, err: String(err) }, 'no running workflow to signal'));
  }

  /** Signals the object's workflow, starting it if it is not running. */
  private async signal(kind: ServedKind, obj: Named, req: ReconcileRequest): Promise<void> {
    const ref = { namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
    const workflowId = workflowIdFor({ cluster: this.opts.clusterName, kind, ...ref });
    try {
      await this.opts.temporal.workflow.signalWithStart(WORKFLOWS[kind], {
        workflowId,
        taskQueue: this.opts.taskQueue,
        workflowTaskTimeout: RECONCILE_WORKFLOW_TASK_TIMEOUT,
        args: [{ ref }],
        signal: requestReconcileSignal,
        signalArgs: [req],
        typedSearchAttributes: [
          { key: BallastKind, value: kind },
          { key: BallastNamespace, value: ref.namespace },
          { key: BallastName, value: ref.name },
          { key: BallastCluster, value: this.opts.clusterName },
        ],
        memo: { apiVersion: obj.apiVersion, kind, namespace: ref.namespace, name: ref.name },
      });
      this.opts.log.debug({ workflowId, reason: req.reason }, 'signalled');
    } catch (err) {
      this.opts.log.error({ workflowId, reason: req.reason, err: String(err) }, 'signalWithStart failed');
    }
  }
}

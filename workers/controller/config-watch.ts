/**
 * Watches the ConfigMaps and Secrets labelled `reconcile.fluxcd.io/watch: Enabled`, as Flux's
 * controllers do, so a change to a values Secret or a substitution ConfigMap reconciles the objects
 * that read it at once instead of at their next interval. Only labelled objects are watched: the
 * label is the user's opt-in, and it keeps every other Secret out of the controller's memory.
 */
import {
  CoreV1Api,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';

export const WATCH_LABEL_SELECTOR = 'reconcile.fluxcd.io/watch=Enabled';

export type ConfigKind = 'ConfigMap' | 'Secret';

export interface ConfigWatchOptions {
  kubeConfig: KubeConfig;
  namespace?: string;
  log: Logger;
  /** True once the controller is stopping: a failed watch is then not restarted. */
  stopped(): boolean;
  /** A watched object changed (not its first listing): `token` identifies this version of it. */
  onChange(kind: ConfigKind, obj: KubernetesObject, token: string): void;
}

/** Starts one informer per kind; resolves once both have listed. Stop them with `informer.stop()`. */
export async function startConfigWatch(opts: ConfigWatchOptions): Promise<Informer<KubernetesObject>[]> {
  const core = opts.kubeConfig.makeApiClient(CoreV1Api);
  const ns = opts.namespace;
  const labelSelector = WATCH_LABEL_SELECTOR;
  const lists: Record<ConfigKind, () => Promise<{ items: KubernetesObject[] }>> = {
    ConfigMap: () =>
      ns
        ? core.listNamespacedConfigMap({ namespace: ns, labelSelector })
        : core.listConfigMapForAllNamespaces({ labelSelector }),
    Secret: () =>
      ns
        ? core.listNamespacedSecret({ namespace: ns, labelSelector })
        : core.listSecretForAllNamespaces({ labelSelector }),
  };
  const informers: Informer<KubernetesObject>[] = [];
  for (const kind of ['ConfigMap', 'Secret'] as const) {
    const plural = kind === 'ConfigMap' ? 'configmaps' : 'secrets';
    const path = ns ? `/api/v1/namespaces/${ns}/${plural}` : `/api/v1/${plural}`;
    const informer = makeInformer(opts.kubeConfig, path, lists[kind] as never, labelSelector);
    let listed = false;
    const changed = (obj: KubernetesObject): void => {
      // The first listing replays every object: that is no change, the consumers read them anyway.
      if (!listed) return;
      const token = `${kind}/${obj.metadata?.namespace}/${obj.metadata?.name}@${obj.metadata?.resourceVersion}`;
      opts.onChange(kind, obj, token);
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('error', (err: unknown) => {
      if (opts.stopped()) return;
      opts.log.warn({ kind, err: String(err) }, 'config watch failed; restarting in 2s');
      setTimeout(() => void informer.start().catch(() => undefined), 2000);
    });
    await informer.start();
    listed = true;
    informers.push(informer);
  }
  return informers;
}

/**
 * The controller process's metrics: `gotk_resource_info` computed at scrape time from the
 * controller's informer caches (Flux leaves that metric to a kube-state-metrics configuration;
 * Ballast already holds every object in memory, so it exports it itself), plus Node's process
 * metrics.
 *
 * @module
 */
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';
import type { KindDescriptor } from '../../api/meta.js';
import { RESOURCE_INFO_LABELS, resourceInfoLabels, type FluxObjectView } from './resource-info.js';

/** What the metrics read from the controller: its informer caches. */
export interface CachedObjects {
  cachedObjects(): { kind: KindDescriptor; object: unknown }[];
}

/**
 * Registers the controller's metrics on `registry`.
 *
 * @example createControllerMetrics(registry, controller) // before the HTTP server starts
 */
export function createControllerMetrics(registry: Registry, controller: CachedObjects): void {
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'gotk_resource_info',
    help: 'The current state of a GitOps Toolkit resource.',
    labelNames: RESOURCE_INFO_LABELS,
    registers: [registry],
    // Rebuilt on every scrape, so deleted objects and changed labels leave no stale series.
    collect() {
      this.reset();
      for (const { kind, object } of controller.cachedObjects())
        this.set(resourceInfoLabels(kind, object as FluxObjectView), 1);
    },
  });
}

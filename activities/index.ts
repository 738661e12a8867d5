/**
 * Every activity of a Ballast worker, built from the clients they need. Workflows import only the
 * `Activities` *type* from here (enforced by lint), never the implementations.
 */
import type { KubeClients } from './kube/client.js';
import { createConfigMapActivities, type ConfigMapActivities } from './kube/config-map.js';

/** Clients and settings the activity factories receive; tests hand in their own. */
export interface ActivityDeps {
  kube: KubeClients;
  /** Field manager for server-side apply. */
  fieldManager: string;
}

/** Every activity a workflow may call, by name. */
export type Activities = ConfigMapActivities;

/** Builds all activities of one worker. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    ...createConfigMapActivities(deps),
  };
}

export type { MirrorConfigMapInput, MirrorConfigMapResult } from './kube/config-map.js';

/**
 * Which watch events ask for a reconcile. Pure, so the rules are table-tested without a cluster.
 * Informers replay every object on start and resync; these rules plus the workflows' own
 * de-duplication make those replays free.
 */
import type { ReconcileRequest } from '../../api/messages.js';

/** The fields of a watched object that matter to triggering. */
export interface Observed {
  generation: number;
  requestedAt?: string;
  deleting: boolean;
  /** status.artifact.revision of a source. */
  artifactRevision?: string;
  /** Ready=True for the object's current generation. */
  ready: boolean;
  /** status.lastAppliedRevision (Kustomization). */
  appliedRevision?: string;
  /** `<status>/<reason>` of the Ready condition, to notice a source failing or recovering. */
  readyState?: string;
}

interface FluxLike {
  metadata?: { generation?: number; annotations?: Record<string, string>; deletionTimestamp?: unknown };
  status?: {
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason?: string }[];
    artifact?: { revision?: string };
    lastAppliedRevision?: string;
  };
}

export const REQUESTED_AT_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';

/** Extracts the trigger-relevant fields of a Flux-kind object. */
export function observe(obj: FluxLike): Observed {
  const generation = obj.metadata?.generation ?? 0;
  const readyCondition = obj.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    generation,
    requestedAt: obj.metadata?.annotations?.[REQUESTED_AT_ANNOTATION],
    deleting: obj.metadata?.deletionTimestamp !== undefined && obj.metadata.deletionTimestamp !== null,
    artifactRevision: obj.status?.artifact?.revision,
    ready: readyCondition?.status === 'True' && obj.status?.observedGeneration === generation,
    appliedRevision: obj.status?.lastAppliedRevision,
    readyState: readyCondition ? `${readyCondition.status}/${readyCondition.reason ?? ''}` : undefined,
  };
}

/** What an event means for the object's own workflow and for the objects that depend on it. */
export interface Triggers {
  /** Requests for the object's own workflow. */
  self: ReconcileRequest[];
  /** Set when a source published a new artifact revision: signal every Kustomization using it. */
  newRevision?: string;
  /** Set when the object became Ready (or applied a new revision while Ready): signal its dependents. */
  becameReady: boolean;
  /** Ready's status or reason changed: users of a source re-check it (to report its failure, or recover). */
  readyChanged: boolean;
}

/** Ready=Unknown: the object is reconciling and has not settled yet. */
const inProgress = (o: Observed): boolean => o.readyState?.startsWith('Unknown/') === true;

/** Compares what was last seen with the object now. `prev` undefined means first sight (add, restart). */
export function triggersFor(prev: Observed | undefined, now: Observed): Triggers {
  if (!prev) {
    return {
      self: [{ reason: 'created', generation: now.generation, requestedAt: now.requestedAt }],
      becameReady: false,
      readyChanged: now.readyState !== undefined,
    };
  }
  const self: ReconcileRequest[] = [];
  if (now.deleting && !prev.deleting) self.push({ reason: 'deleted' });
  if (now.generation !== prev.generation) self.push({ reason: 'generation', generation: now.generation });
  if (now.requestedAt !== undefined && now.requestedAt !== prev.requestedAt) {
    self.push({ reason: 'annotation', requestedAt: now.requestedAt });
  }
  const newRevision =
    now.artifactRevision !== undefined && now.artifactRevision !== prev.artifactRevision
      ? now.artifactRevision
      : undefined;
  const becameReady = now.ready && (!prev.ready || now.appliedRevision !== prev.appliedRevision);
  return {
    self,
    ...(newRevision ? { newRevision } : {}),
    becameReady,
    // Generation-aware too: a source whose new spec is not reconciled yet is not ready for its users.
    // A move to Ready=Unknown (a source reconciling) gives users nothing to act on or report: they
    // are woken when it settles, True or False, which spares every user a pass per source attempt.
    readyChanged: (now.readyState !== prev.readyState || now.ready !== prev.ready) && !inProgress(now),
  };
}

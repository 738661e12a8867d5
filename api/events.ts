/**
 * The event Ballast records when a reconcile changes something worth telling a person: Flux's
 * event shape (fluxcd/pkg apis/event), so Alerts, Providers and the notification payloads Flux
 * users already consume keep their meaning. One event goes to every {@link EventSink} the worker
 * has: Kubernetes Events on the object, and Alert matching and delivery to Providers.
 */

/** `info` for progress and success, `error` for failures; Alerts filter on it. */
export type EventSeverity = 'info' | 'error';

/** The object the event is about. */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

export interface FluxEvent {
  involvedObject: InvolvedObject;
  severity: EventSeverity;
  /** RFC 3339. */
  timestamp: string;
  /** Human-readable, e.g. `Applied revision: main@sha1:…`. */
  message: string;
  /** Flux's reason, e.g. ReconciliationSucceeded, HealthCheckFailed, UpgradeFailed. */
  reason: string;
  /**
   * Flux puts `<group>/revision` (and `<group>/token`) here; Alerts add `eventMetadata`. Values
   * are never secret: they are shown in chat messages and commit statuses.
   */
  metadata: Record<string, string>;
  /** e.g. `kustomize-controller`, as Flux names the emitter (dashboards filter on it). */
  reportingController: string;
  reportingInstance?: string;
}

/** Somewhere an event goes. Implementations must not throw for a delivery they will retry. */
export interface EventSink {
  record(event: FluxEvent): Promise<void>;
}

/**
 * Kubernetes Events on the reconciled objects, as Flux's recorder writes them: core/v1 Events
 * (Flux's default backend, which keeps long messages whole; events.k8s.io/v1 rejects notes over
 * 1 KiB), reason and message as given, the event metadata as annotations, and the Flux controller
 * name as source and reporting component, so `kubectl describe` and `kubectl events` read them
 * as they read Flux's.
 *
 * Repeats are folded like client-go's event correlator does: the same event on the same object
 * gets a count and a new lastTimestamp instead of a new object. The Event's name is derived from
 * what makes it "the same", so every worker folds into one object without shared memory.
 *
 * @module
 */
import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventSink, FluxEvent } from '../../api/events.js';
import { isConflict, isNotFound } from '../kube/errors.js';

/** The apiserver accepts any size, but a Helm log of megabytes helps no one reading events. */
const MAX_MESSAGE = 16 * 1024;
/** Writes an Event may take when other workers update the same one at once. */
const ATTEMPTS = 4;

/** Name of the Event object: `<object>.<digest of what makes the event the same>`. */
export function kubeEventName(event: FluxEvent): string {
  const o = event.involvedObject;
  const key = [event.reportingController, o.apiVersion, o.kind, o.namespace, o.name, o.uid ?? '', event.severity];
  const digest = createHash('sha256')
    .update([...key, event.reason, event.message].join('\n'))
    .digest('hex')
    .slice(0, 16);
  // Event names are DNS subdomains (253 characters at most).
  return `${o.name.slice(0, 253 - 17)}.${digest}`;
}

/** The core/v1 Event for a first occurrence. */
export function toKubeEvent(event: FluxEvent, instance: string): CoreV1Event {
  const o = event.involvedObject;
  const at = new Date(event.timestamp);
  const message = event.message.length > MAX_MESSAGE ? `${event.message.slice(0, MAX_MESSAGE - 1)}…` : event.message;
  return {
    metadata: { name: kubeEventName(event), namespace: o.namespace, annotations: { ...event.metadata } },
    involvedObject: {
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      ...(o.uid ? { uid: o.uid } : {}),
      ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}),
    },
    reason: event.reason,
    message,
    type: event.severity === 'error' ? 'Warning' : 'Normal',
    source: { component: event.reportingController, host: instance },
    reportingComponent: event.reportingController,
    reportingInstance: instance,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
}

/**
 * Writes FluxEvents as Kubernetes Events with the given client (the worker's own identity, which
 * needs `create`, `get` and `update` on `events`). Throws when the API refuses; the caller logs.
 */
export function createKubeEventSink(opts: { core: CoreV1Api; instance?: string }): EventSink {
  const instance = opts.instance ?? hostname();
  return {
    async record(event) {
      const body = toKubeEvent(event, event.reportingInstance ?? instance);
      const name = body.metadata.name ?? '';
      const namespace = event.involvedObject.namespace;
      for (let attempt = 1; ; attempt++) {
        try {
          await opts.core.createNamespacedEvent({ namespace, body });
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
        try {
          // Seen before: count it on the existing Event; its resourceVersion makes a race a 409.
          const existing = await opts.core.readNamespacedEvent({ name, namespace });
          existing.count = (existing.count ?? 1) + 1;
          existing.lastTimestamp = new Date(event.timestamp);
          await opts.core.replaceNamespacedEvent({ name, namespace, body: existing });
          return;
        } catch (err) {
          // Not found: it expired since the create; conflict: another worker counted first.
          if ((!isNotFound(err) && !isConflict(err)) || attempt >= ATTEMPTS) throw err;
        }
      }
    },
  };
}

/**
 * Which Alerts an event goes to, and what the Provider receives: Flux's event_handlers.go as pure
 * functions. An Alert matches when it is not suspended, one of its event sources names the
 * event's object (kind, namespace defaulting to the Alert's, name or `*`, labels) at a severity
 * it accepts, and the message passes its inclusion and exclusion lists.
 *
 * @module
 */
import { compileGoRegex, type Alert, type EventSource } from '../../api/alert.js';
import type { FluxEvent } from '../../api/events.js';
import type { NotificationRequest } from '../../api/notification.js';

/** The group of event-level metadata keys (object annotations `event.toolkit.fluxcd.io/*`). */
export const EVENT_GROUP = 'event.toolkit.fluxcd.io';

/** The API group of the event's object: `kustomize.toolkit.fluxcd.io` for `…/v1`. */
export function objectGroup(event: FluxEvent): string {
  const apiVersion = event.involvedObject.apiVersion;
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** The namespace a source selects: its own, else the Alert's. */
const sourceNamespace = (source: EventSource, alert: Alert): string | undefined =>
  source.namespace ?? alert.metadata.namespace;

function sourceSelects(source: EventSource, alert: Alert, event: FluxEvent): boolean {
  const o = event.involvedObject;
  if (o.kind !== source.kind || o.namespace !== sourceNamespace(source, alert)) return false;
  if (alert.spec.eventSeverity !== 'info' && event.severity !== alert.spec.eventSeverity) return false;
  return source.name === '*' || source.name === o.name;
}

/**
 * Whether deciding the match needs the object's labels: some source selects the event and
 * filters by `matchLabels`. The caller reads them only then.
 */
export function needsLabels(alert: Alert, event: FluxEvent): boolean {
  return alert.spec.eventSources.some((s) => s.matchLabels !== undefined && sourceSelects(s, alert, event));
}

/**
 * Whether the Alert forwards the event. `labels` are the object's labels, needed only when
 * {@link needsLabels} says so; undefined there means the object could not be read (no match).
 */
export function alertMatches(alert: Alert, event: FluxEvent, labels?: Record<string, string>): boolean {
  if (alert.spec.suspend) return false;
  const selected = alert.spec.eventSources.some((source) => {
    if (!sourceSelects(source, alert, event)) return false;
    if (source.matchLabels === undefined) return true;
    return labels !== undefined && Object.entries(source.matchLabels).every(([k, v]) => labels[k] === v);
  });
  return selected && messagePasses(alert, event.message);
}

/** The inclusion list (if any) matches the message and no exclusion does; exclusion wins. */
export function messagePasses(alert: Alert, message: string): boolean {
  const matches = (exprs: string[]): boolean => exprs.some((e) => compileGoRegex(e)?.test(message) ?? false);
  const { inclusionList, exclusionList } = alert.spec;
  if (inclusionList && inclusionList.length > 0 && !matches(inclusionList)) return false;
  return !(exclusionList && matches(exclusionList));
}

/**
 * The request the Alert's Provider workflow receives. The `<group>/token` key is removed, and the
 * metadata merged in Flux's precedence, low to high: object annotations (`event.toolkit.fluxcd.io/*`)
 * < `spec.eventMetadata` < `spec.summary` < the emitting controller's `<group>/*` keys, each with
 * its group prefix dropped (other keys are dropped too, unless nothing is left).
 */
export function notificationRequest(event: FluxEvent, alert: Alert): NotificationRequest {
  const group = objectGroup(event);
  const original = { ...event.metadata };
  delete original[`${group}/token`];
  const merged: Record<string, string> = {};
  const copyGroup = (prefix: string): void => {
    for (const [k, v] of Object.entries(original)) if (k.startsWith(prefix)) merged[k.slice(prefix.length)] = v;
  };
  copyGroup(`${EVENT_GROUP}/`);
  Object.assign(merged, alert.spec.eventMetadata);
  if (alert.spec.summary) merged.summary = alert.spec.summary;
  copyGroup(`${group}/`);
  return {
    alert: { namespace: alert.metadata.namespace ?? '', name: alert.metadata.name },
    event: { ...event, metadata: Object.keys(merged).length > 0 ? merged : original },
    commitStatusUpdate: original[`${group}/commit_status`] === 'update',
    hasCommitKey: (original[`${EVENT_GROUP}/commit`] ?? '') !== '',
  };
}

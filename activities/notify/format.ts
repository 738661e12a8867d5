/**
 * Text every Provider builds from an event, as Flux's notifiers build it: the object's name, its
 * metadata in a stable order, the commit status description, and the event as JSON.
 *
 * @module
 */
import type { FluxEvent } from '../../api/events.js';

/** `kustomization/podinfo.apps`: kind (lower case), name and namespace. */
export function objectName(event: FluxEvent): string {
  const o = event.involvedObject;
  return `${o.kind.toLowerCase()}/${o.name}.${o.namespace}`;
}

/**
 * Metadata entries sorted by key. Flux iterates a Go map (random order); a stable order makes
 * messages comparable and tests exact.
 */
export function metadataEntries(event: FluxEvent): [string, string][] {
  return Object.entries(event.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The event as Flux's `eventv1.Event` marshals it: fields in Flux's order, empty optional fields
 * left out, metadata keys sorted (as Go sorts map keys).
 */
export function fluxEventJson(event: FluxEvent): Record<string, unknown> {
  const o = event.involvedObject;
  const involvedObject = {
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    ...(o.uid ? { uid: o.uid } : {}),
    apiVersion: o.apiVersion,
    ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}),
  };
  const metadata = metadataEntries(event);
  return {
    involvedObject,
    severity: event.severity,
    timestamp: event.timestamp,
    message: event.message,
    reason: event.reason,
    ...(metadata.length > 0 ? { metadata: Object.fromEntries(metadata) } : {}),
    reportingController: event.reportingController,
    ...(event.reportingInstance ? { reportingInstance: event.reportingInstance } : {}),
  };
}

/**
 * Name and description of a commit status: `kustomization/podinfo` and the reason in words,
 * `reconciliation succeeded` (Flux's formatNameAndDescription).
 */
export function statusNameAndDescription(event: FluxEvent): { name: string; description: string } {
  const o = event.involvedObject;
  return {
    name: `${o.kind}/${o.name}`.toLowerCase(),
    description: splitCamelCase(event.reason).join(' ').toLowerCase(),
  };
}

type CharClass = 'lower' | 'upper' | 'digit' | 'other';

function classOf(ch: string): CharClass {
  if (/\p{Ll}/u.test(ch)) return 'lower';
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{Nd}/u.test(ch)) return 'digit';
  return 'other';
}

/**
 * Splits CamelCase into words the way Flux does (fatih/camelcase): runs of one character class,
 * then the last capital of an upper-case run moves to the lower-case run after it.
 *
 * @example splitCamelCase('HealthCheckFailed') // ['Health', 'Check', 'Failed']
 * @example splitCamelCase('PDFLoader') // ['PDF', 'Loader']
 */
export function splitCamelCase(src: string): string[] {
  const runs: string[][] = [];
  let last: CharClass | undefined;
  for (const ch of src) {
    const cls = classOf(ch);
    if (cls === last) runs[runs.length - 1]!.push(ch);
    else runs.push([ch]);
    last = cls;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const [run, next] = [runs[i]!, runs[i + 1]!];
    if (classOf(run[0]!) === 'upper' && classOf(next[0]!) === 'lower') next.unshift(run.pop()!);
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/**
 * One line of `ballast get`: a Flux object reduced to what a person scans for — ready or not, at
 * which revision, suspended by whom and why. Pure.
 *
 * @module
 */
import { suspensionOf } from '../suspension.js';
import type { FluxResource } from './objects.js';

export interface ObjectSummary {
  kind: string;
  namespace: string;
  name: string;
  ready: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  revision: string;
  suspended: boolean;
  suspendedBy?: string;
  suspendReason?: string;
  suspendedAt?: string;
  createdAt?: string;
}

interface Status {
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  artifact?: { revision?: string };
  history?: { chartName?: string; chartVersion?: string; version?: number }[];
}

/** The revision an object is at: applied (Kustomization), stored (sources) or released (HelmRelease). */
export function revisionOf(status: Status | undefined): string {
  const release = status?.history?.[0];
  const released = release?.chartVersion ? `${release.chartName ?? ''}@${release.chartVersion}` : undefined;
  return status?.lastAppliedRevision ?? status?.artifact?.revision ?? released ?? status?.lastAttemptedRevision ?? '';
}

export function summarize(kind: string, obj: FluxResource): ObjectSummary {
  const status = obj.status as Status | undefined;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  const s = suspensionOf(obj);
  return {
    kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    ready: ready?.status === 'True' || ready?.status === 'False' ? ready.status : 'Unknown',
    reason: ready?.reason ?? '',
    message: ready?.message ?? '',
    revision: revisionOf(status),
    suspended: s.suspended,
    ...(s.by ? { suspendedBy: s.by } : {}),
    ...(s.reason ? { suspendReason: s.reason } : {}),
    ...(s.at ? { suspendedAt: s.at } : {}),
    ...(obj.metadata.creationTimestamp ? { createdAt: obj.metadata.creationTimestamp } : {}),
  };
}

/** The SUSPENDED cell: `False`, or `True` with who and why when recorded. */
export function suspendedCell(s: ObjectSummary): string {
  if (!s.suspended) return 'False';
  const by = s.suspendedBy ? ` by ${s.suspendedBy}` : '';
  const why = s.suspendReason ? `: ${s.suspendReason}` : '';
  return `True${by}${why}`;
}

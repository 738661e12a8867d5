/**
 * The labels of `gotk_resource_info`, as Flux's monitoring example configures kube-state-metrics
 * to produce them (fluxcd/flux2-monitoring-example, kube-state-metrics-config.yaml): one series
 * per object, value 1, with readiness, suspension and revision as labels. Pure, table-tested.
 *
 * @module
 */
import type { KindDescriptor } from '../../api/meta.js';

/** Every label any kind sets; the ones a kind does not have stay empty (absent to Prometheus). */
export const RESOURCE_INFO_LABELS = [
  'customresource_group',
  'customresource_kind',
  'customresource_version',
  'exported_namespace',
  'name',
  'ready',
  'suspended',
  'revision',
  'source_name',
  'url',
  'chart_name',
  'chart_version',
  'chart_source_name',
] as const;

export type ResourceInfoLabels = Record<(typeof RESOURCE_INFO_LABELS)[number], string>;

/** The fields of a Flux object the labels read. */
export interface FluxObjectView {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    suspend?: boolean;
    url?: string;
    chart?: string | { spec?: { chart?: string; sourceRef?: { name?: string } } };
    version?: string;
    sourceRef?: { name?: string };
  };
  status?: {
    conditions?: { type: string; status: string }[];
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    artifact?: { revision?: string };
    history?: { chartVersion?: string }[];
  };
}

/** The revision Flux's config reads for the kind: applied for reconcilers, the artifact's for sources. */
function revisionOf(kind: string, obj: FluxObjectView): string | undefined {
  const status = obj.status;
  if (kind === 'Kustomization') return status?.lastAppliedRevision;
  // helm-controller v2 keeps the released chart version in history; v2beta fields as a fallback.
  if (kind === 'HelmRelease') return status?.history?.[0]?.chartVersion ?? status?.lastAppliedRevision;
  return status?.artifact?.revision;
}

/** Kind-specific labels, as in Flux's per-kind table. */
function kindLabels(kind: string, spec: FluxObjectView['spec']): Partial<ResourceInfoLabels> {
  switch (kind) {
    case 'Kustomization':
      return { source_name: spec?.sourceRef?.name };
    case 'HelmRelease': {
      const chart = typeof spec?.chart === 'object' ? spec.chart.spec : undefined;
      return { chart_name: chart?.chart, chart_source_name: chart?.sourceRef?.name };
    }
    case 'HelmChart':
      return { chart_name: typeof spec?.chart === 'string' ? spec.chart : undefined, chart_version: spec?.version };
    case 'GitRepository':
    case 'HelmRepository':
    case 'OCIRepository':
      return { url: spec?.url };
    default:
      return {};
  }
}

/** The `gotk_resource_info` labels of one object. */
export function resourceInfoLabels(kind: KindDescriptor, obj: FluxObjectView): ResourceInfoLabels {
  const ready = obj.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const labels: Partial<ResourceInfoLabels> = {
    customresource_group: kind.group,
    customresource_kind: kind.kind,
    customresource_version: kind.version,
    exported_namespace: obj.metadata?.namespace,
    name: obj.metadata?.name,
    ready,
    suspended: String(obj.spec?.suspend === true),
    revision: revisionOf(kind.kind, obj),
    ...kindLabels(kind.kind, obj.spec),
  };
  return Object.fromEntries(RESOURCE_INFO_LABELS.map((l) => [l, labels[l] ?? ''])) as ResourceInfoLabels;
}

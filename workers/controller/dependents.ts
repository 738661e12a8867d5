/**
 * Who must hear about an event: the objects that use a source whose artifact changed, and the
 * objects whose `dependsOn` names an object that became Ready. Pure, table-tested.
 */

/** A watched object as the controller's caches hold it. */
export interface Watched {
  kind: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    sourceRef?: { kind?: string; name?: string; namespace?: string };
    chart?: { spec?: { sourceRef?: { namespace?: string } } };
    chartRef?: { kind?: string; name?: string; namespace?: string };
    dependsOn?: { name: string; namespace?: string; kind?: string }[];
    valuesFrom?: { kind?: string; name?: string }[];
    postBuild?: { substituteFrom?: { kind?: string; name?: string }[] };
  };
}

/** Identity of the object an event is about. */
export interface Subject {
  kind: string;
  namespace: string;
  name: string;
}

const nsOf = (o: Watched): string => o.metadata?.namespace ?? '';

/** Whether `o` reads its artifact from `src`. */
export function usesSource(o: Watched, src: Subject): boolean {
  const ref = o.spec?.sourceRef;
  if ((o.kind === 'Kustomization' || o.kind === 'HelmChart') && ref) {
    return ref.kind === src.kind && ref.name === src.name && (ref.namespace ?? nsOf(o)) === src.namespace;
  }
  if (o.kind === 'HelmRelease' && src.kind === 'HelmChart') {
    const chartRef = o.spec?.chartRef;
    if (chartRef)
      return (
        chartRef.kind === 'HelmChart' && chartRef.name === src.name && (chartRef.namespace ?? nsOf(o)) === src.namespace
      );
    // spec.chart generates HelmChart <hrNamespace>-<hrName> in the chart's sourceRef namespace, as helm-controller does.
    const chartNs = o.spec?.chart?.spec?.sourceRef?.namespace ?? nsOf(o);
    return `${nsOf(o)}-${o.metadata?.name}` === src.name && chartNs === src.namespace;
  }
  return false;
}

/**
 * Whether `o` depends on `dep`. A dependsOn entry names an object of the dependent's own kind, or,
 * with Ballast's `kind` extension, a Kustomization or HelmRelease (cross-kind ordering Flux refuses).
 */
export function dependsOn(o: Watched, dep: Subject): boolean {
  return (o.spec?.dependsOn ?? []).some(
    (d) => d.name === dep.name && (d.namespace ?? nsOf(o)) === dep.namespace && (d.kind ?? o.kind) === dep.kind
  );
}

/**
 * Whether `o` reads the ConfigMap or Secret `cfg`: a HelmRelease's valuesFrom, a Kustomization's
 * postBuild.substituteFrom. Both only reference their own namespace.
 */
export function usesConfig(o: Watched, cfg: Subject): boolean {
  if (nsOf(o) !== cfg.namespace) return false;
  const refs =
    o.kind === 'HelmRelease'
      ? o.spec?.valuesFrom
      : o.kind === 'Kustomization'
        ? o.spec?.postBuild?.substituteFrom
        : undefined;
  return (refs ?? []).some((r) => r.kind === cfg.kind && r.name === cfg.name);
}

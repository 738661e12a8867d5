import { isTrue } from '../../api/conditions.js';
import { HelmChartKind, type HelmChart } from '../../api/helmchart.js';
import { releaseNameFor, helmChartNameFor, targetNamespaceFor } from '../../api/helm-release-name.js';
import { remediationPolicyOf } from '../../api/helmrelease-actions.js';
import type { HelmRelease } from '../../api/helmrelease.js';
import { parseDuration } from '../../api/meta.js';
import { serverSideApply } from '../kube/client.js';
import { readFluxObject, setFinalizer } from '../kube/flux-objects.js';
import { fluxObjectRef } from '../source/read.js';
import { crossNamespaceDenial } from '../tenancy/cross-namespace.js';
import type { TenancyOptions } from '../tenancy/options.js';
import { readHelmRelease, type HelmReleaseDeps } from './release-spec.js';
import type { HelmReleasePlan, HelmReleaseRef } from './types.js';

const ANNOTATION = {
  requestedAt: 'reconcile.fluxcd.io/requestedAt',
  forceAt: 'reconcile.fluxcd.io/forceAt',
  resetAt: 'reconcile.fluxcd.io/resetAt',
};

/** The HelmChart a `spec.chart` template generates: `<hrNamespace>-<hrName>` in the chart's source namespace. */
function chartObjectFor(
  hr: HelmRelease
): { namespace: string; name: string; body: Record<string, unknown> } | undefined {
  const tpl = hr.spec.chart;
  if (!tpl) return undefined;
  const namespace = tpl.spec.sourceRef.namespace ?? hr.metadata.namespace ?? 'default';
  const name = helmChartNameFor(hr);
  const { sourceRef, interval, ...rest } = tpl.spec;
  return {
    namespace,
    name,
    body: {
      apiVersion: HelmChartKind.apiVersion,
      kind: 'HelmChart',
      metadata: {
        name,
        namespace,
        labels: {
          ...tpl.metadata?.labels,
          'helm.toolkit.fluxcd.io/name': hr.metadata.name,
          'helm.toolkit.fluxcd.io/namespace': hr.metadata.namespace ?? 'default',
        },
        ...(tpl.metadata?.annotations ? { annotations: tpl.metadata.annotations } : {}),
      },
      spec: {
        ...rest,
        sourceRef: { kind: sourceRef.kind, name: sourceRef.name },
        interval: interval ?? hr.spec.interval,
      },
    },
  };
}

/** Ensures the generated HelmChart (or finds the referenced one) and reports whether it has an artifact. */
async function chartState(
  deps: HelmReleaseDeps,
  hr: HelmRelease
): Promise<Pick<HelmReleasePlan, 'chart' | 'helmChart'>> {
  const generated = chartObjectFor(hr);
  let namespace: string;
  let name: string;
  if (generated) {
    ({ namespace, name } = generated);
    await serverSideApply(deps.kube.objects, generated.body as never, { fieldManager: deps.fieldManager });
  } else {
    const ref = hr.spec.chartRef;
    if (ref?.kind !== 'HelmChart') {
      return { helmChart: '', chart: { ready: false, message: `chartRef kind ${ref?.kind} is not supported yet` } };
    }
    namespace = ref.namespace ?? hr.metadata.namespace ?? 'default';
    name = ref.name;
  }
  const helmChart = `${namespace}/${name}`;
  const chart = await readFluxObject<HelmChart>(
    deps.kube.custom,
    fluxObjectRef({ kind: 'HelmChart', namespace, name })
  );
  const artifact = chart?.status?.artifact;
  const ready = chart?.status?.conditions?.find((c) => c.type === 'Ready');
  // As helm-controller: an artifact alone is not enough; the chart must be Ready for its current
  // spec, or a HelmRelease moved to a broken source would keep installing the old artifact.
  const current = chart?.status?.observedGeneration === chart?.metadata.generation;
  if (!chart || !artifact || !current || ready?.status !== 'True') {
    const why =
      ready?.status === 'False'
        ? ready.message
        : !current && chart
          ? 'its new spec is not reconciled yet'
          : ready?.message;
    return {
      helmChart,
      chart: { ready: false, message: `HelmChart '${helmChart}' is not ready${why ? `: ${why}` : ''}` },
    };
  }
  return {
    helmChart,
    chart: {
      ready: true,
      chartName: chart.spec.chart,
      artifact: { revision: artifact.revision, digest: artifact.digest ?? '', path: artifact.path },
    },
  };
}

/** Flux's HelmRelease dependency rule (no revision check), plus Kustomizations by Ballast's `kind` extension. */
async function dependencyState(deps: HelmReleaseDeps, hr: HelmRelease): Promise<HelmReleasePlan['dependencies']> {
  for (const dep of hr.spec.dependsOn ?? []) {
    const kind = (dep as { kind?: string }).kind ?? 'HelmRelease';
    const namespace = dep.namespace ?? hr.metadata.namespace ?? 'default';
    const other = await readFluxObject<{
      metadata: { generation?: number };
      status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
    }>(deps.kube.custom, fluxObjectRef({ kind, namespace, name: dep.name }));
    const label = `${kind} '${namespace}/${dep.name}'`;
    if (!other) return { ready: false, message: `dependency ${label} not found` };
    if (
      other.status?.observedGeneration !== other.metadata.generation ||
      !isTrue(other.status?.conditions as never, 'Ready')
    ) {
      return { ready: false, message: `dependency ${label} is not ready` };
    }
  }
  return { ready: true };
}

/** Activities that read a HelmRelease. */
export interface HelmReleaseLoadActivities {
  /**
   * Reads the HelmRelease, creates or updates the HelmChart its `spec.chart` generates, checks the
   * chart artifact and the dependencies, and adds the finalizer. Writes no status.
   */
  loadHelmRelease(
    ref: HelmReleaseRef
  ): Promise<HelmReleasePlan & { history: NonNullable<HelmRelease['status']['history']> }>;
}

/**
 * Under the lockdown, why the HelmRelease's chart source or dependencies are out of bounds. Checked
 * before the HelmChart is generated, since a template's HelmChart lives in its source's namespace.
 */
function accessDenial(hr: HelmRelease): string | undefined {
  const chartSource = hr.spec.chart?.spec.sourceRef ?? hr.spec.chartRef;
  const dependencies = (hr.spec.dependsOn ?? []).map((d) => ({ kind: 'HelmRelease', ...d }));
  return crossNamespaceDenial(hr.metadata.namespace ?? 'default', [
    ...(chartSource ? [chartSource] : []),
    ...dependencies,
  ]);
}

export function createHelmReleaseLoadActivities(
  deps: HelmReleaseDeps & { tenancy?: TenancyOptions }
): HelmReleaseLoadActivities {
  return {
    async loadHelmRelease(ref) {
      const read = await readHelmRelease(deps.kube, ref);
      const none = { install: remediationPolicyOf('install', {}), upgrade: remediationPolicyOf('upgrade', {}) };
      const empty = {
        exists: false,
        generation: 0,
        deleting: false,
        suspended: false,
        intervalMs: 600_000,
        timeoutMs: 300_000,
        forceRequested: false,
        resetRequested: false,
        releaseName: ref.name,
        targetNamespace: ref.namespace,
        storageNamespace: ref.namespace,
        testEnabled: false,
        driftMode: 'disabled',
        ...none,
        failures: { install: 0, upgrade: 0, total: 0 },
        helmChart: '',
        chart: { ready: false, message: 'not loaded' },
        dependencies: { ready: true },
        history: [],
      } satisfies Awaited<ReturnType<HelmReleaseLoadActivities['loadHelmRelease']>>;
      if (!read) return empty;
      const { raw, parsed, error } = read;
      const ann = raw.metadata.annotations ?? {};
      const requestedAt = ann[ANNOTATION.requestedAt];
      const base = {
        ...empty,
        exists: true,
        generation: raw.metadata.generation ?? 0,
        deleting: raw.metadata.deletionTimestamp !== undefined,
        suspended: raw.spec?.suspend === true,
        requestedAt,
        // forceAt/resetAt count only when they equal requestedAt and were not handled yet (Flux's protocol).
        forceRequested:
          ann[ANNOTATION.forceAt] !== undefined &&
          ann[ANNOTATION.forceAt] === requestedAt &&
          raw.status?.lastHandledForceAt !== requestedAt,
        resetRequested:
          ann[ANNOTATION.resetAt] !== undefined &&
          ann[ANNOTATION.resetAt] === requestedAt &&
          raw.status?.lastHandledResetAt !== requestedAt,
      };
      if (!parsed) return { ...base, invalidSpec: error };
      const hr = parsed;
      if (!base.deleting)
        await setFinalizer(deps.kube.custom, fluxObjectRef({ kind: 'HelmRelease', ...ref }), raw, true);
      const status = hr.status;
      const denied = deps.tenancy?.noCrossNamespaceRefs && !base.deleting ? accessDenial(hr) : undefined;
      return {
        ...base,
        ...(denied ? { accessDenied: denied } : {}),
        intervalMs: parseDuration(hr.spec.interval),
        timeoutMs: parseDuration(hr.spec.timeout ?? '5m'),
        releaseName: releaseNameFor(hr),
        targetNamespace: targetNamespaceFor(hr),
        storageNamespace: targetNamespaceFor(hr),
        testEnabled: hr.spec.test?.enable === true,
        driftMode: hr.spec.driftDetection?.mode ?? 'disabled',
        install: remediationPolicyOf('install', hr.spec),
        upgrade: remediationPolicyOf('upgrade', hr.spec),
        failures: {
          install: status.installFailures ?? 0,
          upgrade: status.upgradeFailures ?? 0,
          total: status.failures ?? 0,
        },
        lastAttempted: {
          chartVersion: status.lastAttemptedRevision,
          configDigest: status.lastAttemptedConfigDigest,
          generation: status.lastAttemptedGeneration,
          action:
            status.lastAttemptedReleaseAction === 'install' || status.lastAttemptedReleaseAction === 'upgrade'
              ? status.lastAttemptedReleaseAction
              : undefined,
        },
        ...(base.deleting || denied
          ? { helmChart: status.helmChart ?? '', chart: empty.chart }
          : await chartState(deps, hr)),
        dependencies: base.deleting || denied ? { ready: true } : await dependencyState(deps, hr),
        history: status.history ?? [],
      };
    },
  };
}

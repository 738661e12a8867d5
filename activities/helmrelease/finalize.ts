import { releaseNameFor, targetNamespaceFor } from '../../api/helm-release-name.js';
import { isNotFound } from '../kube/errors.js';
import { setFinalizer } from '../kube/flux-objects.js';
import { fluxObjectRef } from '../source/read.js';
import { helmFor, readHelmRelease, type HelmReleaseDeps } from './release-spec.js';
import type { HelmReleaseRef } from './types.js';

/** Activities that clean up after a deleted HelmRelease. */
export interface HelmReleaseFinalizeActivities {
  /**
   * Uninstalls the release with spec.uninstall (skipped while suspended, as Flux does), deletes the
   * HelmChart its spec.chart generated, then removes the finalizer.
   */
  finalizeHelmRelease(ref: HelmReleaseRef): Promise<{ uninstalled: boolean }>;
}

export function createHelmReleaseFinalizeActivities(deps: HelmReleaseDeps): HelmReleaseFinalizeActivities {
  return {
    async finalizeHelmRelease(ref) {
      const read = await readHelmRelease(deps.kube, ref);
      if (!read) return { uninstalled: false };
      const hr = read.parsed ?? read.raw;
      let uninstalled = false;
      if (!hr.spec?.suspend && read.parsed) {
        const helm = await helmFor(deps, read.parsed);
        await helm.uninstall({
          releaseName: releaseNameFor(hr),
          namespace: targetNamespaceFor(hr),
          timeoutMs: 300_000,
          ignoreNotFound: true,
        });
        uninstalled = true;
      }
      const chart = read.raw.status?.helmChart;
      if (chart && read.raw.spec?.chart) {
        const [namespace, name] = chart.split('/');
        await deps.kube.custom
          .deleteNamespacedCustomObject({
            ...fluxObjectRef({ kind: 'HelmChart', namespace: namespace ?? '', name: name ?? '' }),
          })
          .catch((err: unknown) => {
            if (!isNotFound(err)) throw err;
          });
      }
      await setFinalizer(deps.kube.custom, fluxObjectRef({ kind: 'HelmRelease', ...ref }), read.raw, false);
      return { uninstalled };
    },
  };
}

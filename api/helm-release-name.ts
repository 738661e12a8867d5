/**
 * Names helm-controller derives from a HelmRelease: the Helm release name, the generated HelmChart
 * and the namespaces an action targets. Pure and free of Node imports, so workflows compute them
 * too; the hash comes from `api/sha256.ts` for the same reason.
 *
 * @module
 */
import { sha256Hex } from './sha256.js';

/** Helm's limit on release names (it stores them in Secret names and labels). */
export const MAX_RELEASE_NAME_LENGTH = 53;

/** The fields of a HelmRelease the names are derived from. */
export interface HelmReleaseNameSource {
  metadata: { name: string; namespace?: string | undefined };
  spec: {
    releaseName?: string | undefined;
    targetNamespace?: string | undefined;
    storageNamespace?: string | undefined;
  };
}

/**
 * The Helm release name: `spec.releaseName`, else `[targetNamespace-]name`. A derived name longer
 * than 53 characters becomes its first 40 characters, `-`, and the first 12 hex digits of the
 * SHA-256 of the whole name, as helm-controller does, so releases Flux created are found again.
 *
 * @example releaseNameFor({ metadata: { name: 'podinfo' }, spec: { targetNamespace: 'apps' } }) // 'apps-podinfo'
 */
export function releaseNameFor(hr: HelmReleaseNameSource): string {
  if (hr.spec.releaseName) return hr.spec.releaseName;
  const name = hr.spec.targetNamespace ? `${hr.spec.targetNamespace}-${hr.metadata.name}` : hr.metadata.name;
  if (name.length <= MAX_RELEASE_NAME_LENGTH) return name;
  return `${name.slice(0, 40)}-${sha256Hex(name).slice(0, 12)}`;
}

/**
 * Name of the HelmChart generated from `spec.chart`: `<hrNamespace>-<hrName>`. It lives in the
 * namespace of `spec.chart.spec.sourceRef` (the HelmRelease's when that is empty).
 */
export function helmChartNameFor(hr: HelmReleaseNameSource): string {
  return `${namespaceOf(hr)}-${hr.metadata.name}`;
}

/** Namespace the release's objects go to: `spec.targetNamespace`, else the HelmRelease's. */
export function targetNamespaceFor(hr: HelmReleaseNameSource): string {
  return hr.spec.targetNamespace ?? namespaceOf(hr);
}

/** Namespace of the Helm storage Secrets: `spec.storageNamespace`, else the HelmRelease's. */
export function storageNamespaceFor(hr: HelmReleaseNameSource): string {
  return hr.spec.storageNamespace ?? namespaceOf(hr);
}

// Objects read from the apiserver always carry a namespace; a bare manifest means kubectl's default.
function namespaceOf(hr: HelmReleaseNameSource): string {
  return hr.metadata.namespace ?? 'default';
}

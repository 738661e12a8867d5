/**
 * Helm's release records (the `secret` storage driver, helm's default) read and rewritten directly:
 * to unlock a release whose helm process died mid-operation, which the helm CLI cannot do, and to
 * read the latest release without starting a helm process (what `helm status` reads).
 *
 * Flux's helm-controller unlocks the same way: it marks the stuck `pending-*` revision `failed`
 * in storage, so the next upgrade proceeds normally. Rolling back instead (helm 4) would leave the
 * stuck revision `pending-*` in the history forever, since helm 4's rollback supersedes only
 * `deployed` revisions.
 *
 * Storage format: Secret `sh.helm.release.v1.<release>.v<revision>` labelled `owner=helm`,
 * `status=<status>`; `data.release` holds base64(gzip(JSON of the release)).
 *
 * @module
 */
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { gunzipSync, gzipSync } from 'node:zlib';
import { releaseFromRecord } from './helm-release.js';
import type { HelmRelease } from './helm-types.js';

/** The part of a stored release this module reads and changes. */
interface StoredRelease {
  info?: { status?: string; description?: string };
  [key: string]: unknown;
}

export const releaseSecretName = (release: string, revision: number): string =>
  `sh.helm.release.v1.${release}.v${revision}`;

/** Decodes `data.release` of a helm storage Secret (as the API returns it: base64 of helm's base64). */
export function decodeRelease(secretData: string): StoredRelease {
  const helmEncoded = Buffer.from(secretData, 'base64').toString('utf8');
  return JSON.parse(gunzipSync(Buffer.from(helmEncoded, 'base64')).toString('utf8')) as StoredRelease;
}

/** The inverse of {@link decodeRelease}. */
export function encodeRelease(release: StoredRelease): string {
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  return Buffer.from(helmEncoded).toString('base64');
}

/**
 * Marks revision `revision` of `release` failed with `description`, if it is still `pending-*`;
 * returns the status it found. A concurrent change to the Secret fails the replace (resourceVersion),
 * so a helm process that is somehow still alive is never overwritten blindly.
 */
export async function markPendingReleaseFailed(
  core: CoreV1Api,
  ref: { releaseName: string; namespace: string; revision: number },
  description: string
): Promise<string | undefined> {
  const name = releaseSecretName(ref.releaseName, ref.revision);
  const secret: V1Secret = await core.readNamespacedSecret({ name, namespace: ref.namespace });
  const data = secret.data?.release;
  if (!data) throw new Error(`helm release record ${ref.namespace}/${name} has no data.release`);
  const release = decodeRelease(data);
  const status = release.info?.status;
  if (!status?.startsWith('pending-')) return status;
  release.info = { ...release.info, status: 'failed', description };
  const labels = { ...secret.metadata?.labels, status: 'failed' };
  await core.replaceNamespacedSecret({
    name,
    namespace: ref.namespace,
    body: {
      ...secret,
      metadata: { ...secret.metadata, labels },
      data: { ...secret.data, release: encodeRelease(release) },
    },
  });
  return status;
}

/**
 * The latest revision of `releaseName` (the highest `version` label, as `helm status` picks it), or
 * undefined when helm stores none. Returns what {@link Helm.status} would, from one LIST request.
 */
export async function readLatestRelease(
  core: CoreV1Api,
  ref: { releaseName: string; namespace: string }
): Promise<HelmRelease | undefined> {
  const { items } = await core.listNamespacedSecret({
    namespace: ref.namespace,
    labelSelector: `owner=helm,name=${ref.releaseName}`,
  });
  let latest: V1Secret | undefined;
  for (const secret of items)
    if (Number(secret.metadata?.labels?.version) > Number(latest?.metadata?.labels?.version ?? -1)) latest = secret;
  if (!latest) return undefined;
  const data = latest.data?.release;
  if (!data) throw new Error(`helm release record ${ref.namespace}/${latest.metadata?.name} has no data.release`);
  return releaseFromRecord(decodeRelease(data));
}

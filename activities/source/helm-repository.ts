import { ApplicationFailure, Context } from '@temporalio/activity';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseDuration } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import type { SourceDeps } from './read.js';
import { DEFAULT_SOURCE_LIMITS } from './source-limits.js';
import { refuseDisallowedSource } from './url-policy.js';
import { packDirectory } from './archive.js';
import { download, readBasicAuth, redactUrl } from './http-download.js';
import { unchangedArtifact, type FetchResult, type SourceRef } from './types.js';

/** The parts of a HelmRepository the fetcher reads. */
export interface HelmRepositoryLike {
  spec: { url: string; type?: string; secretRef?: { name: string }; timeout?: string };
  status: { artifact?: { revision: string; digest?: string; path: string; url?: string; lastUpdateTime?: string } };
}

/** The file name of the index inside a HelmRepository artifact. */
export const INDEX_FILE = 'index.yaml';

/** The index URL of a chart repository: `<url>/index.yaml`. */
export function indexUrl(repoUrl: string): string {
  return `${repoUrl.replace(/\/+$/, '')}/${INDEX_FILE}`;
}

/**
 * Downloads the repository's index.yaml; when its sha256 differs from the stored artifact's
 * revision, stores it (as a tar.gz holding index.yaml) as the new artifact. Revision `sha256:<hex>`.
 */
export async function fetchHelmRepository(
  deps: SourceDeps,
  repo: HelmRepositoryLike,
  ref: SourceRef
): Promise<FetchResult> {
  // As in Flux, an OCI HelmRepository is static: there is no index; each HelmChart pulls its chart.
  if (repo.spec.type === 'oci') {
    if (!repo.spec.url.startsWith('oci://'))
      throw ApplicationFailure.nonRetryable(`type oci needs an oci:// URL, not '${repo.spec.url}'`, Reason.Failed);
    // Nothing is fetched here, but refusing now puts the policy's message on the repository itself.
    await refuseDisallowedSource(repo.spec.url, { allowLinkLocal: deps.allowLinkLocalSources });
    return { changed: false, observed: { url: repo.spec.url } };
  }
  const auth = await readBasicAuth(deps.kube, ref.namespace, repo.spec.secretRef?.name);
  const { body, sha256 } = await download(indexUrl(repo.spec.url), {
    auth,
    timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
    signal: Context.current().cancellationSignal,
    notFoundReason: Reason.IndexationFailed,
    // Indexes of large public repositories run to tens of MB: the per-file limit bounds them.
    limits: deps.sourceLimits ?? DEFAULT_SOURCE_LIMITS,
    allowLinkLocal: deps.allowLinkLocalSources,
  });
  const index = parse(body.toString('utf8')) as { apiVersion?: string; entries?: unknown } | null;
  if (!index || typeof index.entries !== 'object') {
    throw ApplicationFailure.nonRetryable(
      `${redactUrl(indexUrl(repo.spec.url))} is not a Helm repository index`,
      Reason.IndexationFailed
    );
  }
  const revision = `sha256:${sha256}`;
  const current = repo.status.artifact;
  const observed = { url: repo.spec.url };
  if (current?.revision === revision && (await deps.store.has(current.path))) {
    return unchangedArtifact(current, observed);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'ballast-index-'));
  try {
    await writeFile(path.join(dir, INDEX_FILE), body);
    const packed = await packDirectory(dir);
    const key = { kind: 'helmrepository', namespace: ref.namespace, name: ref.name };
    const stored = await deps.store.put(key, packed.file).finally(() => rm(packed.file, { force: true }));
    await deps.store.gc(key, 2);
    return {
      changed: true,
      artifact: {
        revision,
        digest: stored.digest,
        path: stored.path,
        size: stored.size,
        url: stored.url,
        lastUpdateTime: new Date().toISOString(),
      },
      observed,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

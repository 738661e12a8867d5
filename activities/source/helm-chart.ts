import { ApplicationFailure, Context } from '@temporalio/activity';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { parseDuration } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import { versionWithMetadata } from './chart-values-files.js';
import { observedOf, packageChart, storeChart, valuesFilesMetadata, type HelmChartLike } from './chart-package.js';
import { fromOciRegistry } from './helm-chart-oci.js';
import { readSource, type SourceDeps } from './read.js';
import { extractArchive } from './safe-extract.js';
import { INDEX_FILE, type HelmRepositoryLike } from './helm-repository.js';
import { download, readBasicAuth } from './http-download.js';
import { DEFAULT_SOURCE_LIMITS } from './source-limits.js';
import { unchangedArtifact, type FetchResult, type SourceRef } from './types.js';

interface IndexEntry {
  version: string;
  urls?: string[];
  digest?: string;
}

/** Picks the highest version satisfying `range` (`*` when empty), as Flux's version resolution does. */
export function pickVersion(entries: IndexEntry[], range: string | undefined): IndexEntry | undefined {
  const wanted = range && range.trim() !== '' ? range : '*';
  const valid = entries.filter((e) => semver.valid(e.version));
  const best = semver.maxSatisfying(
    valid.map((e) => e.version),
    wanted,
    { includePrerelease: semver.prerelease(wanted) !== null }
  );
  return valid.find((e) => e.version === best);
}

async function extractSourceArtifact(deps: SourceDeps, ref: SourceRef): Promise<{ dir: string; revision: string }> {
  const source = await readSource(deps.kube, ref);
  const artifact = source?.parsed?.status.artifact;
  if (!artifact) {
    // Pass the source's own reason on, so the HelmRelease says *why* (an unreachable URL, bad credentials).
    const conditions = (source?.raw.status as { conditions?: { type: string; message?: string }[] } | undefined)
      ?.conditions;
    const why = conditions?.find((c) => c.type === 'Ready')?.message;
    throw ApplicationFailure.nonRetryable(
      `source ${ref.kind} '${ref.namespace}/${ref.name}' has no artifact yet${why ? `: ${why}` : ''}`,
      Reason.SourceNotReady
    );
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'ballast-chart-src-'));
  await deps.store.extractTo(artifact.path, artifact.digest ?? '', dir);
  return { dir, revision: artifact.revision };
}

/** Resolves the chart version from the HelmRepository's stored index and downloads that chart. */
async function fromHelmRepository(deps: SourceDeps, chart: HelmChartLike, ref: SourceRef): Promise<FetchResult> {
  const repoRef: SourceRef = { kind: 'HelmRepository', namespace: ref.namespace, name: chart.spec.sourceRef.name };
  const repo = (await readSource(deps.kube, repoRef))?.parsed as unknown as
    (HelmRepositoryLike & { spec: { passCredentials?: boolean } }) | undefined;
  if (!repo)
    throw ApplicationFailure.nonRetryable(
      `HelmRepository '${repoRef.namespace}/${repoRef.name}' not found`,
      Reason.SourceNotReady
    );
  if (repo.spec.type === 'oci') return fromOciRegistry(deps, chart, ref, repo);
  const { dir } = await extractSourceArtifact(deps, repoRef);
  try {
    const index = parse(await readFile(path.join(dir, INDEX_FILE), 'utf8')) as {
      entries?: Record<string, IndexEntry[]>;
    };
    const entries = index.entries?.[chart.spec.chart];
    if (!entries?.length)
      throw ApplicationFailure.nonRetryable(
        `chart '${chart.spec.chart}' not found in HelmRepository '${repoRef.name}'`,
        Reason.InvalidChartReference
      );
    const entry = pickVersion(entries, chart.spec.version);
    if (!entry) {
      throw ApplicationFailure.nonRetryable(
        `no version of chart '${chart.spec.chart}' matches '${chart.spec.version ?? '*'}' (available: ${entries
          .map((e) => e.version)
          .slice(0, 10)
          .join(', ')})`,
        Reason.InvalidChartReference
      );
    }
    const revision = versionWithMetadata(entry.version, [valuesFilesMetadata(chart)]);
    const current = chart.status.artifact;
    if (
      current?.revision === revision &&
      chart.status.observedChartName === chart.spec.chart &&
      (await deps.store.has(current.path))
    ) {
      return unchangedArtifact(current, observedOf(chart));
    }
    const url = new URL(entry.urls?.[0] ?? '', `${repo.spec.url.replace(/\/+$/, '')}/`).toString();
    // Credentials go only to the repository's own host unless passCredentials says otherwise, as in Flux.
    const sameHost = new URL(url).host === new URL(repo.spec.url).host;
    const auth =
      sameHost || repo.spec.passCredentials
        ? await readBasicAuth(deps.kube, ref.namespace, repo.spec.secretRef?.name)
        : undefined;
    const { body, sha256 } = await download(url, {
      auth,
      timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
      signal: Context.current().cancellationSignal,
      notFoundReason: Reason.InvalidChartReference,
      limits: deps.sourceLimits ?? DEFAULT_SOURCE_LIMITS,
      allowLinkLocal: deps.allowLinkLocalSources,
    });
    if (entry.digest && entry.digest !== sha256) {
      throw ApplicationFailure.nonRetryable(
        `chart ${chart.spec.chart}-${entry.version}: digest ${sha256} does not match the index's ${entry.digest}`,
        Reason.ArtifactFailed
      );
    }
    const file = path.join(dir, 'chart.tgz');
    await writeFile(file, body);
    if (!chart.spec.valuesFiles?.length) return await storeChart(deps, ref, file, revision, observedOf(chart));
    const unpacked = path.join(dir, 'unpacked');
    await extractArchive(file, unpacked);
    const [chartDirName] = await readdir(unpacked);
    const packed = await packageChart(
      deps.helmBinary ?? 'helm',
      chart,
      path.join(unpacked, chartDirName ?? ''),
      path.join(dir, 'packaged'),
      revision
    );
    return await storeChart(deps, ref, packed.file, revision, observedOf(chart, packed.used));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Packages the chart at `spec.chart` (a path) of a GitRepository artifact with `helm package`. */
async function fromGitRepository(
  deps: SourceDeps & { helmBinary: string },
  chart: HelmChartLike,
  ref: SourceRef
): Promise<FetchResult> {
  const src = await extractSourceArtifact(deps, {
    kind: 'GitRepository',
    namespace: ref.namespace,
    name: chart.spec.sourceRef.name,
  });
  try {
    const chartDir = path.resolve(src.dir, chart.spec.chart);
    if (!chartDir.startsWith(src.dir + path.sep))
      throw ApplicationFailure.nonRetryable(
        `chart path '${chart.spec.chart}' leaves the artifact`,
        Reason.InvalidChartReference
      );
    const meta = parse(await readFile(path.join(chartDir, 'Chart.yaml'), 'utf8').catch(() => '')) as {
      version?: string;
    } | null;
    if (!meta?.version)
      throw ApplicationFailure.nonRetryable(
        `no Chart.yaml with a version at '${chart.spec.chart}'`,
        Reason.InvalidChartReference
      );
    const sha = src.revision.split(':').pop()?.slice(0, 12) ?? '';
    const revision = versionWithMetadata(meta.version, [
      chart.spec.reconcileStrategy === 'Revision' ? sha : undefined,
      valuesFilesMetadata(chart),
    ]);
    const current = chart.status.artifact;
    if (current?.revision === revision && (await deps.store.has(current.path)))
      return unchangedArtifact(current, observedOf(chart));
    const out = path.join(src.dir, '.ballast-packaged');
    const packed = await packageChart(
      deps.helmBinary,
      chart,
      chartDir,
      out,
      revision === meta.version ? undefined : revision
    );
    return await storeChart(deps, ref, packed.file, revision, observedOf(chart, packed.used));
  } finally {
    await rm(src.dir, { recursive: true, force: true });
  }
}

/** Fetches a HelmChart from its HelmRepository (version resolved from the index) or GitRepository (packaged). */
export async function fetchHelmChart(deps: SourceDeps, chart: HelmChartLike, ref: SourceRef): Promise<FetchResult> {
  if (chart.spec.sourceRef.kind === 'HelmRepository') return fromHelmRepository(deps, chart, ref);
  if (chart.spec.sourceRef.kind === 'GitRepository')
    return fromGitRepository({ ...deps, helmBinary: deps.helmBinary ?? 'helm' }, chart, ref);
  throw ApplicationFailure.nonRetryable(
    `HelmChart source kind ${chart.spec.sourceRef.kind} is not supported yet`,
    Reason.InvalidChartReference
  );
}

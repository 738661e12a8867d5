/**
 * A HelmChart whose HelmRepository is `type: oci`: `helm pull oci://<url>/<chart> --version
 * <range>`, so Helm resolves the semver range against the registry's tags as it does for any OCI
 * chart. Credentials (`username`/`password` or `.dockerconfigjson` in secretRef) go into a private
 * registry config file for that one helm call, never into argv.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDuration } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import { runHelm } from '../helm/helm-cli.js';
import { readSecretStrings } from '../kube/secrets.js';
import { observedOf, packageChart, storeChart, valuesFilesMetadata, type HelmChartLike } from './chart-package.js';
import { versionWithMetadata } from './chart-values-files.js';
import type { HelmRepositoryLike } from './helm-repository.js';
import type { SourceDeps } from './read.js';
import { unchangedArtifact, type FetchResult, type SourceRef } from './types.js';
import { extractArchive } from './safe-extract.js';
import { refuseDisallowedSource } from './url-policy.js';

type OciRepository = HelmRepositoryLike & { spec: { insecure?: boolean } };

/** The registry config (docker config.json) for the repository's secretRef, or undefined. */
async function registryConfig(deps: SourceDeps, namespace: string, repo: OciRepository): Promise<string | undefined> {
  const name = repo.spec.secretRef?.name;
  if (!name) return undefined;
  const data = await readSecretStrings(deps.kube, namespace, name);
  if (!data)
    throw ApplicationFailure.nonRetryable(`secret '${namespace}/${name}' not found`, Reason.AuthenticationFailed);
  if (data['.dockerconfigjson']) return data['.dockerconfigjson'];
  const host = new URL(repo.spec.url.replace(/^oci:/, 'http:')).host;
  const auth = Buffer.from(`${data.username ?? ''}:${data.password ?? ''}`).toString('base64');
  return JSON.stringify({ auths: { [host]: { auth } } });
}

/** Why `helm pull` failed, as a failure the workflow reports: a wrong reference is permanent. */
function pullFailure(chart: HelmChartLike, url: string, stderr: string): Error {
  const detail = stderr.trim().split('\n').pop() ?? 'helm pull failed';
  const message = `pulling chart '${chart.spec.chart}' (version '${chart.spec.version ?? '*'}') from ${url}: ${detail}`;
  if (/not found|no matching|unauthorized|denied|invalid/i.test(stderr))
    return ApplicationFailure.nonRetryable(
      message,
      /unauthorized|denied/i.test(stderr) ? Reason.AuthenticationFailed : Reason.InvalidChartReference
    );
  return new Error(message);
}

/** Pulls the chart version the range selects and stores it (repackaged when valuesFiles are set). */
export async function fromOciRegistry(
  deps: SourceDeps,
  chart: HelmChartLike,
  ref: SourceRef,
  repo: OciRepository
): Promise<FetchResult> {
  const url = `${repo.spec.url.replace(/\/+$/, '')}/${chart.spec.chart}`;
  await refuseDisallowedSource(url, { allowLinkLocal: deps.allowLinkLocalSources });
  const work = await mkdtemp(path.join(tmpdir(), 'ballast-oci-pull-'));
  try {
    const flags = ['--destination', path.join(work, 'pulled')];
    if (chart.spec.version) flags.push('--version', chart.spec.version);
    if (repo.spec.insecure) flags.push('--plain-http');
    const config = await registryConfig(deps, ref.namespace, repo);
    if (config) {
      await writeFile(path.join(work, 'registry.json'), config, { mode: 0o600 });
      flags.push('--registry-config', path.join(work, 'registry.json'));
    }
    await mkdir(path.join(work, 'pulled'));
    const out = await runHelm(
      { binary: deps.helmBinary ?? 'helm', kubeconfigPath: '/dev/null' },
      {
        command: ['pull'],
        flags,
        positionals: [url],
        deadlineMs: parseDuration(repo.spec.timeout ?? '60s'),
        signal: Context.current().cancellationSignal,
      }
    );
    if (out.code !== 0) throw pullFailure(chart, url, out.stderr);
    const [file] = await readdir(path.join(work, 'pulled'));
    const version = file?.slice(chart.spec.chart.length + 1).replace(/\.tgz$/, '') ?? '';
    const revision = versionWithMetadata(version, [valuesFilesMetadata(chart)]);
    const current = chart.status.artifact;
    if (current?.revision === revision && (await deps.store.has(current.path)))
      return unchangedArtifact(current, observedOf(chart));
    const pulled = path.join(work, 'pulled', file ?? '');
    if (!chart.spec.valuesFiles?.length) return await storeChart(deps, ref, pulled, revision, observedOf(chart));
    const unpacked = path.join(work, 'unpacked');
    await extractArchive(pulled, unpacked);
    const packed = await packageChart(
      deps.helmBinary ?? 'helm',
      chart,
      path.join(unpacked, chart.spec.chart),
      path.join(work, 'packaged'),
      revision
    );
    return await storeChart(deps, ref, packed.file, revision, observedOf(chart, packed.used));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

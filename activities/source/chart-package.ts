/**
 * What every HelmChart fetcher shares: the HelmChart fields they read, packaging with valuesFiles
 * merged, and storing the chart as the HelmChart's artifact.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Reason } from '../../api/reasons.js';
import { applyValuesFiles } from './chart-values-files.js';
import type { SourceDeps } from './read.js';
import type { FetchResult, SourceRef } from './types.js';

const run = promisify(execFile);

/** The parts of a HelmChart the fetcher reads. */
export interface HelmChartLike {
  metadata?: { generation?: number };
  spec: {
    chart: string;
    version?: string;
    sourceRef: { kind: string; name: string };
    reconcileStrategy?: string;
    valuesFiles?: string[];
    ignoreMissingValuesFiles?: boolean;
  };
  status: {
    artifact?: { revision: string; digest?: string; path: string; url?: string; lastUpdateTime?: string };
    observedChartName?: string;
    observedValuesFiles?: string[];
  };
}

/** The HelmChart generation as version metadata when valuesFiles change the packaged values. */
export const valuesFilesMetadata = (chart: HelmChartLike): string | undefined =>
  chart.spec.valuesFiles?.length ? String(chart.metadata?.generation ?? 0) : undefined;

/** Status fields a fetch observes; observedValuesFiles only when the spec lists some. */
export function observedOf(chart: HelmChartLike, used?: string[]): Record<string, unknown> {
  return {
    observedChartName: chart.spec.chart,
    ...(chart.spec.valuesFiles?.length ? { observedValuesFiles: used ?? chart.status.observedValuesFiles ?? [] } : {}),
  };
}

/**
 * Merges the valuesFiles into `chartDir` and packages it into `outDir` as `version`; returns the
 * package file and the values files used.
 */
export async function packageChart(
  helmBinary: string,
  chart: HelmChartLike,
  chartDir: string,
  outDir: string,
  version?: string
): Promise<{ file: string; used?: string[] }> {
  const used = chart.spec.valuesFiles?.length
    ? await applyValuesFiles(chartDir, chart.spec.valuesFiles, chart.spec.ignoreMissingValuesFiles ?? false)
    : undefined;
  const args = ['package', chartDir, '--destination', outDir, ...(version ? ['--version', version] : [])];
  await run(helmBinary, args, { env: { PATH: process.env.PATH ?? '', HOME: outDir } }).catch(
    (err: { stderr?: string }) => {
      throw ApplicationFailure.nonRetryable(`helm package failed: ${(err.stderr ?? '').trim()}`, Reason.BuildFailed);
    }
  );
  const [file] = await readdir(outDir);
  return { file: path.join(outDir, file ?? ''), ...(used ? { used } : {}) };
}

/** Stores a packaged chart as the HelmChart's artifact (keeping the 3 newest). */
export async function storeChart(
  deps: SourceDeps,
  ref: SourceRef,
  file: string,
  revision: string,
  observed: Record<string, unknown>
): Promise<FetchResult> {
  const key = { kind: 'helmchart', namespace: ref.namespace, name: ref.name };
  const stored = await deps.store.put(key, file);
  await deps.store.gc(key, 3);
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
    observed: { ...observed, url: stored.url },
  };
}

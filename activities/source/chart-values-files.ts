/**
 * HelmChart `spec.valuesFiles`: the listed files of the chart (relative to its root) are merged in
 * order — later files win, maps merge key by key, anything else is replaced — and the result
 * becomes the packaged chart's values.yaml. As in Flux, the chart's own values.yaml only counts
 * when it is listed, and the packaged version gets the HelmChart generation as build metadata so
 * a change of the list yields a new artifact revision.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { Reason } from '../../api/reasons.js';

type Values = Record<string, unknown>;

const isMap = (v: unknown): v is Values => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Merges `over` into `base`: maps recursively, everything else replaced. Returns a new object. */
export function mergeValues(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isMap(prev) && isMap(v) ? mergeValues(prev, v) : v;
  }
  return out;
}

/**
 * Replaces `<chartDir>/values.yaml` with the merge of `files`; returns the files that were merged
 * (missing ones are skipped only when `ignoreMissing`).
 *
 * @throws a non-retryable failure naming the file that is missing, outside the chart or not a YAML map.
 */
export async function applyValuesFiles(chartDir: string, files: string[], ignoreMissing: boolean): Promise<string[]> {
  let merged: Values = {};
  const used: string[] = [];
  for (const file of files) {
    const full = path.resolve(chartDir, file);
    if (full !== chartDir && !full.startsWith(chartDir + path.sep))
      throw invalid(`values file '${file}' is outside the chart`);
    const text = await readFile(full, 'utf8').catch(() => undefined);
    if (text === undefined) {
      if (ignoreMissing) continue;
      throw invalid(`values file '${file}' not found in the chart (set ignoreMissingValuesFiles to skip it)`);
    }
    let doc: unknown;
    try {
      doc = parse(text) ?? {};
    } catch (err) {
      throw invalid(`values file '${file}' is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (!isMap(doc)) throw invalid(`values file '${file}' must be a YAML map`);
    merged = mergeValues(merged, doc);
    used.push(file);
  }
  await writeFile(path.join(chartDir, 'values.yaml'), stringify(merged));
  return used;
}

const invalid = (message: string): ApplicationFailure =>
  ApplicationFailure.nonRetryable(message, Reason.InvalidChartReference);

/** The artifact version: `<chart version>+<metadata parts joined by '.'>`, or the version when there are none. */
export function versionWithMetadata(version: string, metadata: (string | undefined)[]): string {
  const parts = metadata.filter((m): m is string => m !== undefined && m !== '');
  if (parts.length === 0) return version;
  // SemVer build metadata may not repeat; append to any the chart already has.
  return version.includes('+') ? `${version}.${parts.join('.')}` : `${version}+${parts.join('.')}`;
}

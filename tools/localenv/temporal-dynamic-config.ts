/**
 * The Temporal dynamic configuration Ballast recommends (config/temporal/dynamicconfig.yaml),
 * applied to the local servers: the dev server takes it as flags, the cluster reads the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const DYNAMIC_CONFIG_FILE = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'config',
  'temporal',
  'dynamicconfig.yaml'
);

/** One key's values as Temporal's file format writes them: a list of values, each optionally constrained. */
type DynamicConfigFile = Record<string, { value: unknown; constraints?: Record<string, unknown> }[]>;

/**
 * `--dynamic-config-value KEY=JSON` flags for `temporal server start-dev` carrying the file's
 * settings. The flag has no constraints, so a constrained value is refused rather than widened to
 * every namespace and task queue.
 */
export function devServerDynamicConfigFlags(file = DYNAMIC_CONFIG_FILE): string[] {
  const config = (parse(readFileSync(file, 'utf8')) ?? {}) as DynamicConfigFile;
  return Object.entries(config).flatMap(([key, values]) => {
    if (values.length !== 1 || (values[0]?.constraints && Object.keys(values[0].constraints).length > 0))
      throw new Error(`${file}: ${key} must have exactly one unconstrained value for the dev server`);
    return ['--dynamic-config-value', `${key}=${JSON.stringify(values[0]!.value)}`];
  });
}

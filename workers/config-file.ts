import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** What the configuration file gave: its values, and what was wrong with it (as lines of the one config error). */
export interface ConfigFileContent {
  values: Record<string, unknown>;
  problems: string[];
}

/**
 * Reads the YAML configuration file: a mapping whose keys are the camelCase configuration keys,
 * e.g. `temporalAddress: temporal.example:7233`. Problems are returned, not thrown, so they join
 * the other configuration problems in one error.
 */
export function readConfigFile(filePath: string): ConfigFileContent {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    return { values: {}, problems: [`BALLAST_CONFIG_FILE: cannot read ${filePath}: ${errorCode(err)}`] };
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { values: {}, problems: [`${filePath}: not valid YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  if (doc === null || doc === undefined) return { values: {}, problems: [] };
  if (typeof doc !== 'object' || Array.isArray(doc))
    return {
      values: {},
      problems: [`${filePath}: want a mapping of configuration keys, e.g. "temporalAddress: host:7233"`],
    };
  return { values: doc as Record<string, unknown>, problems: [] };
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

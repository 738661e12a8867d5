/**
 * Checks of the artifact store settings that a schema per field cannot express. Kept apart from
 * the store itself so reading the configuration never loads the S3 client.
 *
 * @module
 */
import { artifactPathParts } from '../activities/source/artifact-store.js';
import type { Config } from './config.js';

/** The settings that only mean something with `artifactStore: s3`. */
const S3_KEYS = ['s3Endpoint', 's3Bucket', 's3Region', 's3Prefix', 's3ForcePathStyle'] as const;

/**
 * Checks across the artifact store settings: S3 needs a bucket, S3 settings without the S3 store
 * are a mistake (the operator believes artifacts are shared when they are not), and a prefix must
 * not contain empty, `.` or `..` segments.
 */
export function artifactStoreProblems(input: Record<string, unknown>, label: Record<string, string>): string[] {
  const name = (k: keyof Config): string => label[k] ?? k;
  const set = (k: keyof Config): boolean => input[k] !== undefined && input[k] !== '';
  const problems: string[] = [];
  const store = input.artifactStore ?? 'local';
  if (store === 's3' && !set('s3Bucket'))
    problems.push(`${name('s3Bucket')}: required with ${name('artifactStore')}=s3`);
  if (store === 'local') {
    for (const k of S3_KEYS.filter(set))
      problems.push(`${name(k)}: set while ${name('artifactStore')} is local (set it to s3 to use the bucket)`);
  }
  if (typeof input.s3Prefix === 'string') {
    try {
      const trimmed = input.s3Prefix.replace(/^\/+|\/+$/g, '');
      if (trimmed !== '') artifactPathParts(trimmed);
    } catch {
      problems.push(`${name('s3Prefix')}: segments separated by /, none empty, . or ..`);
    }
  }
  return problems;
}

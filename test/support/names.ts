import { randomBytes } from 'node:crypto';

/** A DNS-1123 name unique to this test run, so tests never collide on a shared cluster or Temporal server. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * The field-level difference between a live object and what a server-side dry-run says it would
 * become: the part of `ballast diff` a person reads. Pure, so it is tested without a cluster.
 *
 * @module
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldChange } from './types.js';

/** Metadata the apiserver owns or bumps on every write; a difference there is no change of ours. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid', 'selfLink'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_VALUE = 120;
const HIDDEN = '<hidden>';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy without status and server-owned metadata: what an apply can change. */
export function comparable(obj: Json): Json {
  const copy: Json = { ...obj };
  delete copy.status;
  if (!isObject(copy.metadata)) return copy;
  const meta: Json = Object.fromEntries(Object.entries(copy.metadata).filter(([k]) => !SERVER_METADATA.includes(k)));
  if (isObject(meta.annotations)) {
    const annotations = { ...meta.annotations };
    delete annotations[LAST_APPLIED];
    if (Object.keys(annotations).length > 0) meta.annotations = annotations;
    else delete meta.annotations;
  }
  copy.metadata = meta;
  return copy;
}

/** `spec.template.spec.containers[0].image`, with keys that are no identifiers quoted: `labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((k, i) =>
      typeof k === 'number'
        ? `[${k}]`
        : /^[A-Za-z_$][\w$-]*$/.test(k)
          ? i === 0
            ? k
            : `.${k}`
          : `[${JSON.stringify(k)}]`
    )
    .join('');
}

function render(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/**
 * Every leaf that differs between `live` and `next`, in key order. Objects are compared key by key,
 * arrays of the same length item by item; anything else that differs is one change. Secret values
 * (`data`, `stringData` of kind Secret) are shown as `<hidden>`.
 *
 * @example fieldChanges({ kind: 'ConfigMap', data: { a: '1' } }, { kind: 'ConfigMap', data: { a: '2' } })
 * // [{ path: 'data.a', from: '"1"', to: '"2"' }]
 */
export function fieldChanges(live: Json, next: Json): FieldChange[] {
  const secret = live.kind === 'Secret' || next.kind === 'Secret';
  const out: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, path: (string | number)[]): void => {
    if (isDeepStrictEqual(a, b)) return;
    if (isObject(a) && isObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
        walk(a[key], b[key], [...path, key]);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((item, i) => walk(item, b[i], [...path, i]));
      return;
    }
    const hidden = secret && (path[0] === 'data' || path[0] === 'stringData');
    const change: FieldChange = { path: formatPath(path) };
    const from = hidden && a !== undefined ? HIDDEN : render(a);
    const to = hidden && b !== undefined ? HIDDEN : render(b);
    if (from !== undefined) change.from = from;
    if (to !== undefined) change.to = to;
    out.push(change);
  };
  walk(comparable(live), comparable(next), []);
  return out;
}

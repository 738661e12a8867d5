/**
 * Composes the values of a HelmRelease from `spec.valuesFrom` and `spec.values`, and digests them.
 * Pure: the activity reads the ConfigMaps and Secrets and hands their data in, so every merge rule
 * is unit-tested without a cluster. Values never leave the activity; only the digest reaches the
 * workflow (STYLE.md convention 11).
 *
 * Merge order (flux-api.md §1.8): valuesFrom documents in order, deep-merging maps and replacing
 * everything else (lists included); then the inline `values` over them; then every `targetPath`
 * entry, in order, over all of it, which is the precedence Flux documents for targetPath.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { Reason } from '../../api/reasons.js';

/** One `spec.valuesFrom` entry with the data the activity read for it. */
export interface ValuesSource {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  valuesKey: string;
  /** Helm `--set` path (`a.b[0].c`, `\.` for a dot inside a key) to set the whole data value at. */
  targetPath?: string | undefined;
  /** With targetPath: set the data as a string verbatim (`--set-literal`). */
  literal?: boolean | undefined;
  /** The value under `valuesKey`, Secret data already base64-decoded; undefined when absent. */
  data: string | undefined;
  /** Whether the ConfigMap/Secret exists; defaults to `data !== undefined`. Set it to tell a missing key from a missing object. */
  found?: boolean | undefined;
  optional: boolean;
}

/** What {@link composeValues} returns: the values for Helm and their digest for status and history. */
export interface ComposedValues {
  values: Record<string, unknown>;
  /** `sha256:<hex>` of the canonical JSON of `values`: the release's configDigest. */
  digest: string;
}

/** A values source could not be used. `reason` is the Flux reason the HelmRelease reports (Ready=False). */
export class ValuesError extends Error {
  /** Always `ValuesError`. */
  readonly reason = Reason.ValuesError;
  override readonly name = 'ValuesError';
}

type Values = Record<string, unknown>;

/**
 * Merges `sources` and `inline` into one values object. Missing optional objects are skipped.
 *
 * @throws ValuesError naming the source (`ConfigMap/app-values key values.yaml`) when a non-optional
 *   object is missing, a key is missing, the data is not a YAML mapping, or a targetPath is invalid.
 * @example composeValues([{ kind: 'ConfigMap', name: 'v', valuesKey: 'values.yaml', data: 'a: 1', optional: false }], { b: 2 })
 */
export function composeValues(sources: readonly ValuesSource[], inline: object | undefined): ComposedValues {
  let values: Values = {};
  const pathEntries: { source: ValuesSource; data: string }[] = [];
  for (const source of sources) {
    const found = source.found ?? source.data !== undefined;
    if (!found && source.optional) continue;
    if (!found) throw new ValuesError(`${describe(source)}: ${source.kind} not found`);
    if (source.data === undefined) throw new ValuesError(`${describe(source)}: key not found`);
    if (source.targetPath) pathEntries.push({ source, data: source.data });
    else values = mergeValues(values, parseDocument(source, source.data));
  }
  if (inline) values = mergeValues(values, inline as Values);
  for (const { source, data } of pathEntries) {
    const path = source.targetPath ?? '';
    try {
      setAtPath(values, parseSetPath(path), source.literal ? data : parseSetValue(data));
    } catch (err) {
      throw new ValuesError(`${describe(source)}: targetPath '${path}': ${(err as Error).message}`);
    }
  }
  return { values, digest: valuesDigest(values) };
}

/** `sha256:<hex>` of `values` serialised with sorted keys, so key order never changes the digest. */
export function valuesDigest(values: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(values)).digest('hex')}`;
}

/** JSON with object keys sorted at every depth; undefined members are dropped, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (isMap(value)) {
    const members = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Deep merge as Flux's MergeMaps: maps merge key by key, anything else in `over` (lists, scalars,
 * null) replaces what `base` has. Returns a new object; neither input is changed.
 */
export function mergeValues(base: Values, over: Values): Values {
  const out: Values = {};
  for (const [key, value] of Object.entries(base)) setKey(out, key, clone(value));
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    setKey(out, key, isMap(current) && isMap(value) ? mergeValues(current, value) : clone(value));
  }
  return out;
}

function describe(source: ValuesSource): string {
  return `${source.kind}/${source.name} key ${source.valuesKey}`;
}

function parseDocument(source: ValuesSource, data: string): Values {
  let doc: unknown;
  try {
    doc = parse(data);
  } catch (err) {
    throw new ValuesError(`${describe(source)}: invalid YAML: ${(err as Error).message}`);
  }
  // An empty document is no values, as Helm reads an empty values file.
  if (doc === null || doc === undefined) return {};
  if (!isMap(doc)) throw new ValuesError(`${describe(source)}: values must be a YAML mapping`);
  return doc;
}

/** One step of a `--set` path: a map key or a list index. */
type PathStep = { key: string } | { index: number };

/** Helm's largest list index in `--set`; a typo like `a[99999]` must not allocate a huge list. */
const MAX_INDEX = 65536;

/** Parses `a.b\.c[0][1].d` into steps; `\` escapes the next character. */
export function parseSetPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let key = '';
  let pendingKey = true;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '\\') {
      key += path[++i] ?? '';
    } else if (ch === '.') {
      if (pendingKey) pushKey(steps, key);
      key = '';
      pendingKey = true;
    } else if (ch === '[') {
      if (pendingKey && key !== '') pushKey(steps, key);
      if (pendingKey && key === '' && steps.length === 0) throw new Error('a path cannot start with an index');
      const close = path.indexOf(']', i);
      const digits = close < 0 ? '' : path.slice(i + 1, close);
      if (!/^[0-9]+$/.test(digits) || Number(digits) > MAX_INDEX) throw new Error(`invalid index '[${digits}]'`);
      steps.push({ index: Number(digits) });
      i = close;
      key = '';
      pendingKey = false;
    } else {
      if (!pendingKey) throw new Error(`unexpected '${ch}' after an index`);
      key += ch;
    }
  }
  if (pendingKey) pushKey(steps, key);
  return steps;
}

function pushKey(steps: PathStep[], key: string): void {
  if (key === '') throw new Error('empty key');
  steps.push({ key });
}

/**
 * A `--set` value: true/false, null and integers are typed, `{a,b}` is a list, a quoted value is a
 * string without its quotes (as Flux's ReplacePathValue), anything else stays a string. Unlike the
 * Helm CLI, commas outside `{}` do not start a new assignment: the data is one value.
 */
export function parseSetValue(raw: string): unknown {
  const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0]);
  if (quoted) return raw.slice(1, -1);
  if (raw.startsWith('{') && raw.endsWith('}')) {
    const inner = raw.slice(1, -1);
    return inner === '' ? [] : inner.split(',').map(typedScalar);
  }
  return typedScalar(raw);
}

function typedScalar(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  // Leading zeros stay strings, as in Helm: "007" is an identifier, not seven.
  if (/^-?(0|[1-9][0-9]*)$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  return raw;
}

/** Sets `value` at `steps` inside `root`, creating maps and lists (lists padded with null) on the way. */
function setAtPath(root: Values, steps: readonly PathStep[], value: unknown): void {
  let container: Values | unknown[] = root;
  for (const [i, step] of steps.entries()) {
    const next = steps[i + 1];
    // What the next step needs here: a list for an index, a map for a key; anything else is replaced.
    const fits = (child: unknown): boolean => (next && 'index' in next ? Array.isArray(child) : isMap(child));
    const fresh = (): Values | unknown[] => (next && 'index' in next ? [] : {});
    if ('key' in step) {
      if (Array.isArray(container)) throw new Error(`'${step.key}' is a key but the value there is a list`);
      if (!next) return setKey(container, step.key, value);
      if (!fits(container[step.key])) setKey(container, step.key, fresh());
      container = container[step.key] as Values | unknown[];
    } else {
      if (!Array.isArray(container)) throw new Error(`[${step.index}] is an index but the value there is a map`);
      while (container.length <= step.index) container.push(null);
      if (!next) {
        container[step.index] = value;
        return;
      }
      if (!fits(container[step.index])) container[step.index] = fresh();
      container = container[step.index] as Values | unknown[];
    }
  }
}

// `__proto__` as a plain assignment would replace the prototype; values come from user YAML.
function setKey(target: Values, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isMap(value)) return mergeValues({}, value);
  return value;
}

function isMap(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Matching objects against a kustomize-style {@link Selector} (the `target` of patches and ignore
 * rules): group, version, kind, name and namespace are anchored regular expressions, as kustomize
 * reads them; labelSelector and annotationSelector use Kubernetes label-selector syntax.
 */
import type { Selector } from './kustomization.js';

/** The parts of an object a selector looks at. */
export interface Selectable {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** Whether `obj` is selected by every field `selector` sets. */
export function selects(selector: Selector, obj: Selectable): boolean {
  const [group, version] = splitApiVersion(obj.apiVersion ?? '');
  const fields: [string | undefined, string][] = [
    [selector.group, group],
    [selector.version, version],
    [selector.kind, obj.kind ?? ''],
    [selector.name, obj.metadata?.name ?? ''],
    [selector.namespace, obj.metadata?.namespace ?? ''],
  ];
  if (!fields.every(([pattern, value]) => pattern === undefined || anchored(pattern).test(value))) return false;
  return (
    matchesLabelSelector(selector.labelSelector, obj.metadata?.labels ?? {}) &&
    matchesLabelSelector(selector.annotationSelector, obj.metadata?.annotations ?? {})
  );
}

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

function anchored(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    throw new Error(`invalid selector pattern "${pattern}": not a regular expression`);
  }
}

/** One requirement of a label selector, e.g. `tier in (web, api)`. */
type Requirement = { key: string; op: 'exists' | 'notexists' } | { key: string; op: 'in' | 'notin'; values: string[] };

/**
 * Whether `labels` satisfy a label-selector expression (`a=b,c!=d,e in (x,y),f notin (z),g,!h`).
 * An empty or absent expression selects everything.
 *
 * @throws Error naming the requirement that cannot be parsed.
 */
export function matchesLabelSelector(expression: string | undefined, labels: Record<string, string>): boolean {
  return parseLabelSelector(expression ?? '').every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key] ?? '');
      case 'notin':
        return !has || !r.values.includes(labels[r.key] ?? '');
    }
  });
}

/** Splits on commas outside parentheses, then reads each requirement. */
export function parseLabelSelector(expression: string): Requirement[] {
  const parts = expression.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map(parseRequirement);
}

function parseRequirement(text: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set) return { key: set[1] ?? '', op: set[2] as 'in' | 'notin', values: listOf(set[3] ?? '') };
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (eq) return { key: eq[1] ?? '', op: eq[2] === '!=' ? 'notin' : 'in', values: [eq[3] ?? ''] };
  const exists = /^(!?)([^!=\s()]+)$/.exec(text);
  if (exists) return { key: exists[2] ?? '', op: exists[1] ? 'notexists' : 'exists' };
  throw new Error(`invalid label selector requirement "${text}"`);
}

const listOf = (values: string): string[] =>
  values
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/**
 * Kind descriptor → `apiextensions.k8s.io/v1` CustomResourceDefinition. The OpenAPI schema comes
 * from the kind's zod schema through `z.toJSONSchema`, then a few small pure passes make it
 * *structural*, which the apiserver requires of v1 CRDs: every node typed, no `$ref`, no
 * `additionalProperties: false`, no logical junctors except the int-or-string one, free-form values
 * marked `x-kubernetes-preserve-unknown-fields`.
 *
 * Over 300 lines on purpose: the passes (inline refs, flatten allOf, collapse nullable, merge unions,
 * normalise keywords) only make sense as one pipeline, and each stays a short pure function.
 *
 * @module
 */
import { z } from 'zod';
import type { KindDescriptor, PrinterColumn } from './meta.js';

/** A JSON Schema node as zod emits it, read keyword by keyword. */
export type JsonSchema = { [keyword: string]: unknown };

/** A node of a structural OpenAPI v3 schema: the subset of `JSONSchemaProps` Ballast emits. */
export interface StructuralSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema;
  items?: StructuralSchema;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-int-or-string'?: true;
  /** CEL rules the apiserver checks on writes; set through zod `.meta()` and copied as-is. */
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
}

/**
 * The CustomResourceDefinition object {@link toCustomResourceDefinition} returns, as plain JSON.
 * To send it with `@kubernetes/client-node`, deserialize it first (`loadYaml` of the generated file):
 * the client's typed models call `default` and `enum` `_default` and `_enum`, and silently drop
 * them from a plain object, which loses every default and enum check.
 */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: StructuralSchema };
    }[];
  };
}

/**
 * The CRD of `kind`: one served and stored version, the status subresource, Flux's printer columns
 * and a structural schema. Throws when the schema cannot be made structural, so a bad schema fails
 * the generator rather than the apiserver.
 */
export function toCustomResourceDefinition(kind: KindDescriptor): CustomResourceDefinition {
  const openAPIV3Schema = withObjectEnvelope(toStructuralSchema(jsonSchemaOf(kind.schemas.object)));
  const violations = structuralViolations(openAPIV3Schema);
  if (violations.length > 0) throw new Error(`${kind.kind} schema is not structural:\n${violations.join('\n')}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.plural}.${kind.group}` },
    spec: {
      group: kind.group,
      names: {
        kind: kind.kind,
        listKind: kind.listKind,
        plural: kind.plural,
        singular: kind.singular,
        ...(kind.shortNames.length > 0 ? { shortNames: [...kind.shortNames] } : {}),
        ...(kind.categories.length > 0 ? { categories: [...kind.categories] } : {}),
      },
      scope: kind.scope,
      versions: [
        {
          name: kind.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: kind.printerColumns.map((c) => ({ ...c })),
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
}

/**
 * JSON Schema of what a user may *write*: `io: 'input'` leaves defaulted fields optional and keeps
 * their defaults, which is what the apiserver should enforce and fill in.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
}

/** Converts a JSON Schema (draft 2020-12 or OpenAPI 3.0 flavoured) into a structural schema. */
export function toStructuralSchema(schema: JsonSchema): StructuralSchema {
  const defs = { ...asRecord(schema['definitions']), ...asRecord(schema['$defs']) };
  return convertNode(inlineRefs(schema, defs, []));
}

/**
 * Replaces the root's `apiVersion`, `kind` and `metadata` with the apiserver's own shapes: the
 * apiserver validates metadata itself and only tolerates `{type: object}` there, and a literal
 * apiVersion would stop a later version from being served through the same schema.
 */
export function withObjectEnvelope(root: StructuralSchema): StructuralSchema {
  const envelope: Record<string, StructuralSchema> = {
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this object.' },
    kind: { type: 'string', description: 'Kind is the REST resource this object represents.' },
    metadata: { type: 'object' },
  };
  const required = (root.required ?? []).filter((key) => !(key in envelope));
  const out: StructuralSchema = { ...root, properties: { ...root.properties, ...envelope } };
  if (required.length > 0) out.required = required;
  else delete out.required;
  return out;
}

/** Every rule of a structural schema the tree breaks, one line each with its path; empty when valid. */
export function structuralViolations(node: StructuralSchema, path = '<root>'): string[] {
  const raw = node as JsonSchema;
  const found: string[] = [];
  for (const key of FORBIDDEN_KEYWORDS) if (key in raw) found.push(`${path}: has ${key}`);
  if ('anyOf' in raw && !node['x-kubernetes-int-or-string']) found.push(`${path}: anyOf outside int-or-string`);
  const untypedAllowed = node['x-kubernetes-preserve-unknown-fields'] || node['x-kubernetes-int-or-string'];
  if (!node.type && !untypedAllowed) found.push(`${path}: has no type`);
  if (typeof raw['additionalProperties'] === 'boolean') found.push(`${path}: additionalProperties is a boolean`);
  if (node.properties && node.additionalProperties) found.push(`${path}: both properties and additionalProperties`);
  if (node.type === 'array' && !node.items) found.push(`${path}: array without items`);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    found.push(...structuralViolations(child, `${path}.${name}`));
  }
  if (node.additionalProperties) found.push(...structuralViolations(node.additionalProperties, `${path}.*`));
  if (node.items) found.push(...structuralViolations(node.items, `${path}[]`));
  return found;
}

const FORBIDDEN_KEYWORDS = ['$ref', '$schema', '$defs', 'definitions', '$id', 'allOf', 'oneOf', 'not', 'const'];

/** Keywords copied through unchanged: the scalar constraints `JSONSchemaProps` understands. */
const SCALAR_KEYWORDS = [
  'description',
  'format',
  'default',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'nullable',
] as const;

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/** Keywords holding data, not schemas: never walked when inlining references. */
const DATA_KEYWORDS = new Set(['default', 'enum', 'const', 'examples']);

function inlineRefs(node: unknown, defs: JsonSchema, stack: readonly string[]): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    return isRecord(value) ? inlineRefs(value, defs, stack) : value;
  };
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(asRecord(node))) {
    if (key === '$ref' || key === 'definitions' || key === '$defs') continue;
    out[key] = DATA_KEYWORDS.has(key) ? value : walk(value);
  }
  const ref = asRecord(node)['$ref'];
  if (typeof ref !== 'string') return out;
  const name = ref.replace(/^#\/(definitions|\$defs)\//, '');
  // A cycle has no finite inline form, and structural schemas cannot point back up the tree.
  if (stack.includes(name)) throw new Error(`recursive schema "${name}" cannot be made structural`);
  const target = defs[name];
  if (!isRecord(target)) throw new Error(`unresolvable $ref "${ref}"`);
  // Sibling keywords (a description on the reference) win over the definition's own.
  return mergeSchemas(out, inlineRefs(target, defs, [...stack, name]));
}

function convertNode(input: JsonSchema): StructuralSchema {
  const node = collapseNullable(flattenAllOf(input));
  const branches = [node['anyOf'], node['oneOf']].find(Array.isArray);
  if (branches) {
    const converted = branches.map((b) => convertNode(asRecord(b)));
    return convertUnion(node, converted);
  }
  const out: StructuralSchema = {};
  const type = node['type'];
  if (typeof type === 'string' && TYPES.has(type)) out.type = type as StructuralSchema['type'];
  copyScalars(node, out);
  if ('const' in node) out.enum = [node['const']];
  if (isRecord(node['properties'])) {
    out.properties = Object.fromEntries(
      Object.entries(node['properties']).map(([key, child]) => [key, convertNode(asRecord(child))])
    );
  }
  if (Array.isArray(node['required']) && node['required'].length > 0) out.required = node['required'] as string[];
  if (isRecord(node['items'])) out.items = convertNode(node['items']);
  applyAdditionalProperties(node['additionalProperties'], out);
  normaliseNumbers(out);
  dropRedundantPattern(out);
  if (out.default === null) delete out.default;
  return inferType(out);
}

function copyScalars(from: JsonSchema, to: StructuralSchema): void {
  const target = to as JsonSchema;
  for (const key of SCALAR_KEYWORDS) if (key in from && from[key] !== undefined) target[key] = from[key];
  for (const [key, value] of Object.entries(from)) if (key.startsWith('x-kubernetes-')) target[key] = value;
}

/**
 * `allOf: [a, b]` → one node with both; zod wraps reused schemas in a single-member allOf. The
 * node's own keywords (a field's description or default) win over the members'.
 */
function flattenAllOf(node: JsonSchema): JsonSchema {
  const members = node['allOf'];
  if (!Array.isArray(members)) return node;
  const rest = without(node, 'allOf');
  const merged = members.map((m) => flattenAllOf(asRecord(m))).reduce((acc, m) => mergeSchemas(m, acc), {});
  return mergeSchemas(rest, merged);
}

/**
 * Moves null-ness into `nullable: true`: from `type: [x, 'null']` (draft 2020-12) and from
 * `anyOf`/`oneOf` with a null branch. A single remaining branch is merged into the node, so
 * `T | null` never leaves a junctor behind.
 */
function collapseNullable(node: JsonSchema): JsonSchema {
  let out = without(node, 'nullable');
  let nullable = node['nullable'] === true;
  const type = out['type'];
  if (Array.isArray(type)) {
    const types = type.filter((t) => t !== 'null');
    nullable ||= types.length < type.length;
    out = without(out, 'type');
    if (types.length === 1) out['type'] = types[0];
    else out['anyOf'] = types.map((t: unknown) => ({ type: t }));
  }
  for (const key of ['anyOf', 'oneOf']) {
    const list = out[key];
    if (!Array.isArray(list)) continue;
    const kept = list.map(asRecord).filter((b) => !isNullSchema(b));
    nullable ||= kept.length < list.length;
    const rest = without(out, key);
    const only = kept.length === 1 ? kept[0] : undefined;
    out = only ? mergeSchemas(rest, collapseNullable(only)) : { ...rest, [key]: kept };
  }
  if (nullable) out['nullable'] = true;
  return out;
}

function isNullSchema(node: JsonSchema): boolean {
  const onlyNull = Array.isArray(node['enum']) && node['enum'].length === 1 && node['enum'][0] === null;
  return node['type'] === 'null' || onlyNull;
}

/**
 * A union becomes one node: objects merge their properties (required only if every branch requires
 * it), same-typed scalars merge their enums, number|string becomes int-or-string, and anything
 * else is preserved unvalidated rather than rejected.
 */
function convertUnion(node: JsonSchema, branches: StructuralSchema[]): StructuralSchema {
  const outer: StructuralSchema = {};
  copyScalars(node, outer);
  delete outer.enum;
  const types = new Set(branches.map((b) => b.type));
  const [first] = branches;
  if (types.size === 1 && first?.type === 'object') {
    // Right to left, so the first branch's schema of a shared property wins.
    const properties = branches.reduceRight<Record<string, StructuralSchema>>(
      (acc, b) => ({ ...acc, ...b.properties }),
      {}
    );
    const required = branches.map((b) => b.required ?? []).reduce((acc, r) => acc.filter((k) => r.includes(k)));
    return { type: 'object', ...outer, properties, ...(required.length > 0 ? { required } : {}) };
  }
  if (types.size === 1 && first?.type) {
    const enums = branches.every((b) => b.enum) ? [...new Set(branches.flatMap((b) => b.enum ?? []))] : undefined;
    return { type: first.type, ...(enums ? { enum: enums } : {}), ...outer };
  }
  const scalarTypes = [...types].every((t) => t === 'string' || t === 'integer' || t === 'number');
  if (scalarTypes && types.has('string')) return { ...outer, 'x-kubernetes-int-or-string': true };
  return { ...outer, 'x-kubernetes-preserve-unknown-fields': true };
}

/**
 * `additionalProperties: false` is dropped (the apiserver prunes unknown fields anyway and rejects
 * the keyword); a free-form value (`{}` or `true`) becomes `x-kubernetes-preserve-unknown-fields`;
 * a typed map keeps its value schema unless the node also has properties, which structural schemas
 * forbid, in which case unknown fields are preserved instead.
 */
function applyAdditionalProperties(value: unknown, out: StructuralSchema): void {
  if (value === undefined || value === false) return;
  const converted = value === true ? undefined : convertNode(asRecord(value));
  const freeForm = !converted || converted['x-kubernetes-preserve-unknown-fields'] === true;
  if (freeForm || out.properties) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
    out.type ??= 'object';
    return;
  }
  out.type ??= 'object';
  out.additionalProperties = converted;
}

/** Draft-style numeric exclusive bounds → OpenAPI 3.0 booleans; zod's safe-integer bounds → int64. */
function normaliseNumbers(out: StructuralSchema): void {
  const raw = out as JsonSchema;
  for (const [bound, flag] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const) {
    if (typeof raw[flag] === 'number') {
      raw[bound] = raw[flag];
      raw[flag] = true;
    }
  }
  if (out.type !== 'integer') return;
  // zod bounds every z.int() to ±(2^53 - 1); that only restates int64 with noise.
  if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  out.format ??= 'int64';
}

/** zod adds a regex next to `format` (date-time, email…); the format is enough, and the regex may not be RE2. */
function dropRedundantPattern(out: StructuralSchema): void {
  if (out.format && out.type === 'string') delete out.pattern;
}

/** Fills in `type` where it can be read off the node; an unknowable node preserves anything. */
function inferType(out: StructuralSchema): StructuralSchema {
  if (out.type || out['x-kubernetes-preserve-unknown-fields'] || out['x-kubernetes-int-or-string']) return out;
  if (out.properties) return { ...out, type: 'object' };
  if (out.items) return { ...out, type: 'array' };
  const first = out.enum?.[0];
  if (typeof first === 'string') return { ...out, type: 'string' };
  if (typeof first === 'boolean') return { ...out, type: 'boolean' };
  if (typeof first === 'number') return { ...out, type: Number.isInteger(first) ? 'integer' : 'number' };
  return { ...out, 'x-kubernetes-preserve-unknown-fields': true };
}

/** Merges two schema nodes; `over` wins on scalar keywords, properties and required are unioned. */
function mergeSchemas(over: JsonSchema, under: JsonSchema): JsonSchema {
  const merged: JsonSchema = { ...under, ...over };
  if (isRecord(under['properties']) || isRecord(over['properties'])) {
    merged['properties'] = { ...asRecord(under['properties']), ...asRecord(over['properties']) };
  }
  const required = [...asArray(under['required']), ...asArray(over['required'])];
  if (required.length > 0) merged['required'] = [...new Set(required)];
  return merged;
}

function isRecord(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): JsonSchema {
  return isRecord(value) ? value : {};
}

function without(node: JsonSchema, key: string): JsonSchema {
  const copy = { ...node };
  delete copy[key];
  return copy;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

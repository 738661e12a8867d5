/**
 * Shared building blocks of the Flux APIs (fluxcd/pkg apis/meta, metav1): conditions, artifacts,
 * references, durations, history and inventory. Each is one zod schema that gives the TS type, the
 * runtime validation and, through `api/crd.ts`, the CRD OpenAPI schema.
 *
 * This file is over the 100-line median on purpose: it is the one vocabulary every kind imports,
 * and splitting it would scatter the definitions Flux keeps together in apis/meta.
 *
 * @module
 */
import { z } from 'zod';

/** Go `time.Duration` strings as Flux's CRDs accept them: `30s`, `1m30s`, `1.5h`, `500ms`. */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** A Go duration string. The pattern is Flux's, so a manifest Flux accepts is accepted here. */
export const DurationSchema = z
  .string()
  .regex(DURATION_PATTERN, { error: 'must be a duration such as 30s, 10m or 1h30m (units ms, s, m, h)' });
/** A Go duration string such as `1m30s`; convert with {@link parseDuration}. */
export type Duration = z.infer<typeof DurationSchema>;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * Milliseconds in a Go duration string, rounded to the nearest millisecond.
 *
 * @throws RangeError when `s` does not match {@link DURATION_PATTERN}.
 * @example parseDuration('1m30s') // 90000
 */
export function parseDuration(s: string): number {
  if (!DURATION_PATTERN.test(s)) {
    throw new RangeError(`invalid duration "${s}": want e.g. 30s, 10m or 1h30m (units ms, s, m, h)`);
  }
  let total = 0;
  // `ms` is listed before `m` so "5ms" is read as milliseconds, not minutes followed by a stray "s".
  for (const [, amount, unit] of s.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  // Fractions such as 1.1s are not exact in binary floating point; status and timers want whole ms.
  return Math.round(total);
}

/**
 * Formats milliseconds the way Go's `Duration.String()` does (`1h0m0s`, `1m30s`, `1.5s`, `500ms`,
 * `0s`), so values Ballast writes look like the ones Flux writes. Negative values get a leading `-`,
 * which {@link parseDuration} does not accept (CRD durations are never negative).
 *
 * @throws RangeError when `ms` is not finite.
 * @example formatDuration(90000) // '1m30s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`cannot format duration ${ms}`);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0s';
  if (rest < 1_000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / UNIT_MS.h);
  rest -= hours * UNIT_MS.h;
  const minutes = Math.floor(rest / UNIT_MS.m);
  rest -= minutes * UNIT_MS.m;
  const head = hours > 0 ? `${hours}h${minutes}m` : minutes > 0 ? `${minutes}m` : '';
  // rest is whole milliseconds, so rest / 1000 prints as an exact decimal (1.5, 0.25, 30).
  return `${sign}${head}${rest / 1_000}s`;
}

/** An RFC 3339 timestamp as Kubernetes serialises `metav1.Time` (`2026-01-02T03:04:05Z`). */
export const TimeSchema = z.iso.datetime({ offset: true });

/**
 * Formats a Date as `metav1.Time` does: UTC, whole seconds. Kubernetes drops sub-second precision,
 * so writing it ourselves keeps a round-trip through the apiserver from looking like a change.
 */
export function toKubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `True`, `False` or `Unknown`, as in `metav1.ConditionStatus`. */
export const ConditionStatusSchema = z.enum(['True', 'False', 'Unknown']);
/** The status of a condition. */
export type ConditionStatus = z.infer<typeof ConditionStatusSchema>;

/** `metav1.Condition` with the apiserver's own limits, so a condition we build is one it accepts. */
export const ConditionSchema = z.object({
  type: z
    .string()
    .max(316)
    .regex(
      /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/
    )
    .describe('Type of condition in CamelCase, e.g. Ready.'),
  status: ConditionStatusSchema.describe('Status of the condition: True, False or Unknown.'),
  observedGeneration: z.int().min(0).optional().describe('The .metadata.generation the condition was set from.'),
  lastTransitionTime: TimeSchema.describe('When the condition last changed status.'),
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
    .describe('Programmatic identifier of the cause, in CamelCase.'),
  message: z.string().max(32768).describe('Human-readable detail; may be empty.'),
});
/** One entry of `status.conditions`. */
export type Condition = z.infer<typeof ConditionSchema>;

/** The list in `status.conditions`. */
export const ConditionsSchema = z.array(ConditionSchema).describe('Conditions holds the conditions of the object.');

/** An artifact a source produced (fluxcd/pkg meta.Artifact); lives in `status.artifact`. */
export const ArtifactSchema = z.object({
  path: z.string().describe('Path of the artifact relative to the storage root.'),
  url: z.string().describe('HTTP address the artifact can be fetched from inside the cluster.'),
  revision: z.string().describe('Human-readable source revision, e.g. main@sha1:<commit>.'),
  digest: z
    .string()
    .regex(/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/)
    .optional()
    .describe('Digest of the artifact file, <algorithm>:<checksum>.'),
  lastUpdateTime: TimeSchema.describe('When the artifact was last written.'),
  size: z.int().min(0).optional().describe('Size of the artifact file in bytes.'),
  metadata: z
    .record(z.string(), z.string())
    .optional()
    .describe('Upstream annotations, e.g. OCI org.opencontainers.image.revision.'),
});
/** An artifact a source produced. */
export type Artifact = z.infer<typeof ArtifactSchema>;

const nameField = z.string().min(1).max(253).describe('Name of the referent.');
const namespaceField = z.string().min(1).max(63).describe("Namespace of the referent; defaults to the referrer's.");

/** A reference to an object in the referrer's namespace. */
export const LocalObjectReferenceSchema = z.object({ name: nameField });
/** A reference to an object in the referrer's namespace. */
export type LocalObjectReference = z.infer<typeof LocalObjectReferenceSchema>;

/** A reference to one key of a Secret in the referrer's namespace. */
export const SecretKeyReferenceSchema = z.object({
  name: nameField,
  key: z.string().optional().describe('Key in the Secret; each consumer documents its default.'),
});
/** A reference to one key of a Secret. */
export type SecretKeyReference = z.infer<typeof SecretKeyReferenceSchema>;

/** A typed reference to a source, possibly in another namespace (each kind narrows `kind`). */
export const CrossNamespaceSourceReferenceSchema = z.object({
  apiVersion: z.string().optional().describe('API version of the referent.'),
  kind: z.string().describe('Kind of the referent.'),
  name: nameField,
  namespace: namespaceField.optional(),
});
/** A typed reference to a source. */
export type CrossNamespaceSourceReference = z.infer<typeof CrossNamespaceSourceReferenceSchema>;

/** A typed reference to any object, e.g. a health-check target (meta.NamespacedObjectKindReference). */
export const NamespacedObjectKindReferenceSchema = z.object({
  apiVersion: z.string().optional().describe('API version of the referent; the preferred version when empty.'),
  kind: z.string().min(1).describe('Kind of the referent.'),
  name: nameField,
  namespace: namespaceField.optional(),
});
/** A typed reference to any object. */
export type NamespacedObjectKindReference = z.infer<typeof NamespacedObjectKindReferenceSchema>;

/** An entry of `spec.dependsOn` (meta.DependencyReference): an object of the same kind. */
export const DependencyReferenceSchema = z.object({
  name: nameField,
  namespace: namespaceField.optional(),
  readyExpr: z
    .string()
    .optional()
    .describe('CEL expression over self and dep; when set it replaces the built-in readiness check.'),
});
/** An entry of `spec.dependsOn`. */
export type DependencyReference = z.infer<typeof DependencyReferenceSchema>;

/** `spec.kubeConfig` (meta.KubeConfigReference): how to reach a remote cluster. */
export const KubeConfigReferenceSchema = z.object({
  secretRef: SecretKeyReferenceSchema.optional().describe(
    'Secret holding a kubeconfig under key (default "value", then "value.yaml").'
  ),
  configMapRef: LocalObjectReferenceSchema.optional().describe(
    'ConfigMap describing a cluster reached through workload identity (provider, cluster, address, ca.crt).'
  ),
});
/** How to reach a remote cluster. */
export type KubeConfigReference = z.infer<typeof KubeConfigReferenceSchema>;

// @kubernetes/client-node's KubernetesObjectApi turns metadata timestamps into Dates; raw JSON
// (CustomObjectsApi, informers, manifests) has strings. Accept both, keep the string.
const MetaTimeSchema = z.preprocess((value) => (value instanceof Date ? toKubeTime(value) : value), TimeSchema);

/**
 * The part of `metav1.ObjectMeta` Ballast reads. Unlisted fields (managedFields, ownerReferences…)
 * are dropped by parsing: parse to read an object, never to write one back.
 */
export const ObjectMetaSchema = z.object({
  name: z.string().min(1).max(253),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  creationTimestamp: MetaTimeSchema.optional(),
  deletionTimestamp: MetaTimeSchema.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
});
/** The part of `metav1.ObjectMeta` Ballast reads. */
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;

/** One reconciled revision in `status.history` (meta.Snapshot). */
export const SnapshotSchema = z.object({
  digest: z.string().describe('Checksum of the desired state that was reconciled.'),
  firstReconciled: TimeSchema.describe('When this digest was first reconciled.'),
  lastReconciled: TimeSchema.describe('When this digest was last reconciled.'),
  lastReconciledDuration: DurationSchema.describe('How long the last reconcile of this digest took.'),
  lastReconciledStatus: z.string().describe('Outcome of the last reconcile, a reason such as ReconciliationSucceeded.'),
  totalReconciliations: z.int().min(0).describe('How many reconciles saw this digest.'),
  metadata: z.record(z.string(), z.string()).optional().describe('Extra data such as revision and originRevision.'),
});
/** One reconciled revision in `status.history`. */
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** Flux keeps the five newest snapshots, newest first, one per (digest, status). */
export const MAX_HISTORY = 5;

/** `status.history`: the newest reconciled revisions, newest first. */
export const HistorySchema = z.array(SnapshotSchema).max(MAX_HISTORY).describe('The newest reconciles, newest first.');
/** `status.history`. */
export type History = z.infer<typeof HistorySchema>;

/** One applied object: id `<namespace>_<name>_<group>_<kind>`, v its API version. */
export const InventoryEntrySchema = z.object({
  id: z.string().describe('Object identity, <namespace>_<name>_<group>_<kind>.'),
  v: z.string().describe('API version of the object.'),
});
/** One applied object. */
export type InventoryEntry = z.infer<typeof InventoryEntrySchema>;

/** `status.inventory`: what the last apply left in the cluster. Drives prune and drift detection. */
export const InventorySchema = z.object({ entries: z.array(InventoryEntrySchema) });
/** `status.inventory`. */
export type Inventory = z.infer<typeof InventorySchema>;

/** A column of `kubectl get`, as `additionalPrinterColumns` in a CRD. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/** Columns every Flux kind ends with: Age, and the Ready condition's status and message. */
export const READY_PRINTER_COLUMNS = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
] as const satisfies readonly PrinterColumn[];

/**
 * Everything Ballast knows about one served kind: its REST names, its schemas and its columns.
 * `api/crd.ts` turns it into a CustomResourceDefinition; the controller uses it to watch and parse.
 */
export interface KindDescriptor {
  readonly group: string;
  readonly version: string;
  /** `<group>/<version>`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  readonly schemas: { readonly spec: z.ZodType; readonly status: z.ZodType; readonly object: z.ZodType };
  readonly printerColumns: readonly PrinterColumn[];
}

/** What {@link validate} returns: the parsed value, or one message naming every bad field. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Parses `input` and, on failure, explains it in one line per field (`spec.interval: …`), short
 * enough for a `Ready=False` message.
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown): ValidationResult<T> {
  // reportInput lets formatIssues tell a missing field from a wrong one; the input stays in the issue.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: formatIssues(result.error) };
}

/** Formats a zod error as `path: message` lines, the path dotted with `[i]` for array items. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${describeIssue(issue)}`).join('\n');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod says "expected string, received undefined"; a user reading Ready=False wants "required".
  if (issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined) {
    return `required (expected ${issue.expected})`;
  }
  return issue.message;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

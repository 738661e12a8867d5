/**
 * Kustomization (kustomize.toolkit.fluxcd.io/v1): build a path of a source artifact with kustomize,
 * apply it, prune what left, and wait for health. Every Flux field is here with Flux's name and
 * meaning, plus one Ballast extension, `spec.rollback`.
 *
 * The kustomize-shaped pieces (Selector, Patch, Image, CustomHealthCheck) are exported for
 * HelmRelease, which uses the same shapes.
 *
 * @module
 */
import { z } from 'zod';
import {
  ConditionsSchema,
  CrossNamespaceSourceReferenceSchema,
  DependencyReferenceSchema,
  DurationSchema,
  HistorySchema,
  InventorySchema,
  KubeConfigReferenceSchema,
  LocalObjectReferenceSchema,
  NamespacedObjectKindReferenceSchema,
  ObjectMetaSchema,
  READY_PRINTER_COLUMNS,
  type KindDescriptor,
} from './meta.js';

/** Objects selected by every field given (kustomize Selector); selectors use label-selector syntax. */
export const SelectorSchema = z.object({
  group: z.string().optional(),
  version: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  labelSelector: z.string().optional().describe('Label selector expression, e.g. app=web,tier!=db.'),
  annotationSelector: z.string().optional().describe('Label-selector syntax matched against annotations.'),
});
/** Objects selected by every field given. */
export type Selector = z.infer<typeof SelectorSchema>;

/** An inline patch: a strategic-merge or JSON 6902 patch as a YAML string. */
export const PatchSchema = z.object({
  patch: z.string().min(1).describe('Strategic-merge or JSON 6902 patch, as YAML.'),
  target: SelectorSchema.optional().describe('Objects to patch; for a strategic-merge patch, its own kind and name.'),
});
/** An inline patch. */
export type Patch = z.infer<typeof PatchSchema>;

/** A kustomize `images` entry: rename or retag an image. */
export const ImageSchema = z.object({
  name: z.string().min(1).describe('Image name without tag, as it appears in the manifests.'),
  newName: z.string().optional(),
  newTag: z.string().optional(),
  digest: z.string().optional().describe('Replaces the tag; newTag is then ignored.'),
});
/** A kustomize `images` entry. */
export type Image = z.infer<typeof ImageSchema>;

/** An entry of `spec.healthCheckExprs`: CEL health rules for a custom resource kind. */
export const CustomHealthCheckSchema = z.object({
  apiVersion: z.string().min(1).describe('API version (group/version) of the resources the rules apply to.'),
  kind: z.string().optional().describe('Kind of the resources the rules apply to.'),
  current: z.string().min(1).describe('CEL expression that is true when the resource is healthy.'),
  inProgress: z.string().optional().describe('CEL expression that is true while the resource is progressing.'),
  failed: z.string().optional().describe('CEL expression that is true when the resource has failed.'),
});
/** An entry of `spec.healthCheckExprs`; evaluated inProgress, then failed, then current. */
export type CustomHealthCheck = z.infer<typeof CustomHealthCheckSchema>;

/** An entry of `spec.postBuild.substituteFrom`. */
export const SubstituteReferenceSchema = z.object({
  kind: z.enum(['ConfigMap', 'Secret']),
  name: z.string().min(1).max(253),
  optional: z.boolean().default(false).describe('Proceed as if empty when the object does not exist.'),
});
/** An entry of `spec.postBuild.substituteFrom`. */
export type SubstituteReference = z.infer<typeof SubstituteReferenceSchema>;

/** `spec.postBuild`: `${var}` substitution over the built manifests. */
export const PostBuildSchema = z.object({
  substitute: z.record(z.string(), z.string()).optional().describe('Variables and their values.'),
  substituteFrom: z
    .array(SubstituteReferenceSchema)
    .optional()
    .describe('ConfigMaps and Secrets whose data keys are variables; later entries win.'),
  substituteStrategy: z
    .enum(['WithVariables', 'Always'])
    .optional()
    .describe('WithVariables (default) substitutes only when a variable is defined; Always substitutes always.'),
});
/** `spec.postBuild`. */
export type PostBuild = z.infer<typeof PostBuildSchema>;

/** An entry of `spec.ignore`: fields drift correction leaves alone. */
export const IgnoreRuleSchema = z.object({
  paths: z.array(z.string()).min(1).describe('JSON pointers of the fields to ignore.'),
  target: SelectorSchema.optional().describe('Objects the rule applies to; all when absent.'),
});
/** An entry of `spec.ignore`. */
export type IgnoreRule = z.infer<typeof IgnoreRuleSchema>;

/**
 * `spec.rollback`. Ballast-only: unknown to Flux, whose tools ignore it. When enabled and health
 * checks fail, Ballast re-applies the last healthy revision and reports reason RolledBack.
 */
export const RollbackSchema = z.object({
  enabled: z.boolean().default(false).describe('Re-apply the last healthy revision when health checks fail.'),
});
/** `spec.rollback` (Ballast-only). */
export type Rollback = z.infer<typeof RollbackSchema>;

/** `spec` of a Kustomization. */
export const KustomizationSpecSchema = z.object({
  sourceRef: CrossNamespaceSourceReferenceSchema.extend({
    kind: z.enum(['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact']).describe('Kind of the source.'),
  }).describe('Source whose artifact is built.'),
  path: z.string().optional().describe('Directory in the artifact; its root when empty.'),
  interval: DurationSchema.describe('How often the Kustomization is reconciled.'),
  retryInterval: DurationSchema.optional().describe('How soon a failed reconcile is retried; interval when empty.'),
  timeout: DurationSchema.optional().describe('Timeout of build, apply and health checks; interval when empty.'),
  prune: z.boolean().describe('Delete objects that are no longer in the build.'),
  deletionPolicy: z
    .enum(['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan'])
    .default('MirrorPrune')
    .describe('What happens to applied objects when the Kustomization is deleted; MirrorPrune follows prune.'),
  dependsOn: z.array(DependencyReferenceSchema).optional().describe('Kustomizations that must be ready first.'),
  // apiVersion is optional in Flux's Go type, but without it kstatus cannot find a non-core kind, so
  // Ballast requires it rather than fail later with a confusing lookup error.
  healthChecks: z
    .array(
      NamespacedObjectKindReferenceSchema.extend({
        apiVersion: z.string().min(1).describe('API version of the object.'),
      })
    )
    .optional()
    .describe('Objects to wait for.'),
  healthCheckExprs: z.array(CustomHealthCheckSchema).optional().describe('CEL health rules for custom resources.'),
  wait: z.boolean().optional().describe('Wait for every applied object; healthChecks are then ignored.'),
  force: z.boolean().default(false).describe('Recreate objects whose immutable fields changed.'),
  targetNamespace: z.string().min(1).max(63).optional().describe('Namespace set on every namespaced object.'),
  namePrefix: z.string().optional(),
  nameSuffix: z.string().optional(),
  commonMetadata: z
    .object({
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional()
    .describe('Labels and annotations set on every object, overriding existing keys.'),
  patches: z.array(PatchSchema).optional().describe('Inline patches.'),
  images: z.array(ImageSchema).optional().describe('Image overrides.'),
  components: z.array(z.string()).optional().describe('Paths of kustomize components, relative to path.'),
  ignoreMissingComponents: z.boolean().optional().describe('Skip components that do not exist.'),
  buildMetadata: z
    .array(z.enum(['originAnnotations', 'transformerAnnotations']))
    .optional()
    .describe('Kustomize build metadata to add to objects.'),
  postBuild: PostBuildSchema.optional(),
  decryption: z
    .object({
      provider: z.enum(['sops']),
      secretRef: LocalObjectReferenceSchema.optional().describe('Secret with the decryption keys.'),
      serviceAccountName: z.string().optional().describe('ServiceAccount for KMS workload identity.'),
    })
    .optional()
    .describe('Decrypt SOPS-encrypted manifests before applying them.'),
  serviceAccountName: z.string().optional().describe('ServiceAccount to impersonate for apply, prune and health.'),
  kubeConfig: KubeConfigReferenceSchema.optional().describe('Remote cluster to apply to.'),
  suspend: z.boolean().optional().describe('Stop reconciling; applied objects stay.'),
  ignore: z.array(IgnoreRuleSchema).optional().describe('Fields drift correction leaves alone.'),
  rollback: RollbackSchema.optional().describe(
    'Ballast-only (Flux ignores it): re-apply the last healthy revision when health checks fail.'
  ),
});
/** `spec` of a Kustomization, defaults applied (`deletionPolicy` and `force` are always set). */
export type KustomizationSpec = z.infer<typeof KustomizationSpecSchema>;

/** `status` of a Kustomization. */
export const KustomizationStatusSchema = z.object({
  observedGeneration: z
    .int()
    .default(-1)
    .describe('Last generation reconciled; -1 until the first reconcile, which kstatus reads as in progress.'),
  conditions: ConditionsSchema.optional(),
  lastAppliedRevision: z.string().optional().describe('Source revision of the last successful apply.'),
  lastAppliedOriginRevision: z
    .string()
    .optional()
    .describe('org.opencontainers.image.revision of the last successfully applied artifact.'),
  lastAttemptedRevision: z.string().optional().describe('Source revision of the last attempt.'),
  lastHandledReconcileAt: z
    .string()
    .optional()
    .describe('Value of the reconcile.fluxcd.io/requestedAt annotation last handled.'),
  inventory: InventorySchema.optional().describe('Objects applied by the last successful reconcile.'),
  history: HistorySchema.optional(),
});
/** `status` of a Kustomization, defaults applied. */
export type KustomizationStatus = z.infer<typeof KustomizationStatusSchema>;

/** `kustomize.toolkit.fluxcd.io/v1`. */
export const KUSTOMIZATION_API_VERSION = 'kustomize.toolkit.fluxcd.io/v1';

/** A whole Kustomization object, as read from the cluster or a manifest. */
export const KustomizationSchema = z
  .object({
    apiVersion: z.literal(KUSTOMIZATION_API_VERSION),
    kind: z.literal('Kustomization'),
    metadata: ObjectMetaSchema,
    spec: KustomizationSpecSchema,
    // The CRD defaults status this way too, so a new object reads as "not yet observed".
    status: KustomizationStatusSchema.default({ observedGeneration: -1 }),
  })
  .describe('Kustomization builds a source path with kustomize and applies it to the cluster.');
/** A whole Kustomization object, defaults applied. */
export type Kustomization = z.infer<typeof KustomizationSchema>;

/** REST names, schemas and `kubectl get` columns of Kustomization, as Flux's CRD declares them. */
export const KustomizationKind = {
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  apiVersion: KUSTOMIZATION_API_VERSION,
  kind: 'Kustomization',
  listKind: 'KustomizationList',
  plural: 'kustomizations',
  singular: 'kustomization',
  shortNames: ['ks'],
  categories: ['all', 'fluxcd'],
  scope: 'Namespaced',
  schemas: { spec: KustomizationSpecSchema, status: KustomizationStatusSchema, object: KustomizationSchema },
  printerColumns: READY_PRINTER_COLUMNS,
} as const satisfies KindDescriptor;

/**
 * HelmRelease (helm.toolkit.fluxcd.io/v2): a Helm release of a chart taken from a generated
 * HelmChart (`spec.chart`) or an existing chart artifact (`spec.chartRef`), with values composed from
 * ConfigMaps, Secrets and `spec.values`. Every Flux field is here with Flux's name and meaning; the
 * per-action blocks (install, upgrade, test, rollback, uninstall) are in `api/helmrelease-actions.ts`.
 *
 * Over 300 lines on purpose: spec and status mirror helmrelease_types.go field for field, and
 * splitting them further would scatter one kind across files a reader must open together.
 *
 * @module
 */
import { z } from 'zod';
import { OCIVerificationSchema } from './helmchart.js';
import { InstallSchema, RollbackSchema, TestSchema, UninstallSchema, UpgradeSchema } from './helmrelease-actions.js';
import { CustomHealthCheckSchema, IgnoreRuleSchema, ImageSchema, PatchSchema } from './kustomization.js';
import {
  ConditionsSchema,
  CrossNamespaceSourceReferenceSchema,
  DependencyReferenceSchema,
  DurationSchema,
  InventorySchema,
  KubeConfigReferenceSchema,
  ObjectMetaSchema,
  READY_PRINTER_COLUMNS,
  TimeSchema,
  type KindDescriptor,
} from './meta.js';

const stringMap = z.record(z.string(), z.string());

/** `spec.chart.spec`: the spec of the HelmChart helm-controller generates. */
export const HelmChartTemplateSpecSchema = z.object({
  chart: z
    .string()
    .min(1)
    .max(2048)
    .describe('Chart name (HelmRepository) or path in the artifact (GitRepository, Bucket).'),
  version: z
    .string()
    .default('*')
    .describe('SemVer range of the chart version; ignored for GitRepository and Bucket sources.'),
  sourceRef: CrossNamespaceSourceReferenceSchema.extend({
    kind: z.enum(['HelmRepository', 'GitRepository', 'Bucket']).describe('Kind of the source.'),
  }).describe("Source of the chart; the HelmChart is created in its namespace (the HelmRelease's when empty)."),
  interval: DurationSchema.optional().describe('How often the HelmChart checks its source; spec.interval when empty.'),
  reconcileStrategy: z
    .enum(['ChartVersion', 'Revision'])
    .default('ChartVersion')
    .describe('New chart artifact on a version bump only (ChartVersion) or on every source revision (Revision).'),
  valuesFiles: z
    .array(z.string())
    .optional()
    .describe("Values files in the source merged in order into the chart's values.yaml."),
  ignoreMissingValuesFiles: z.boolean().optional().describe('Skip values files that do not exist.'),
  verify: OCIVerificationSchema.pick({ provider: true, secretRef: true })
    .optional()
    .describe('Signature verification of the chart; OCI sources only.'),
});
/** `spec.chart.spec`, defaults applied. */
export type HelmChartTemplateSpec = z.infer<typeof HelmChartTemplateSpecSchema>;

/** `spec.chart`: the template of the generated HelmChart `<hrNamespace>-<hrName>`. */
export const HelmChartTemplateSchema = z.object({
  metadata: z
    .object({ labels: stringMap.optional(), annotations: stringMap.optional() })
    .optional()
    .describe('Labels and annotations of the generated HelmChart.'),
  spec: HelmChartTemplateSpecSchema,
});
/** `spec.chart`. */
export type HelmChartTemplate = z.infer<typeof HelmChartTemplateSchema>;

/** `spec.chartRef`: an existing chart artifact. */
export const HelmReleaseChartRefSchema = CrossNamespaceSourceReferenceSchema.extend({
  kind: z.enum(['OCIRepository', 'HelmChart', 'ExternalArtifact']).describe('Kind of the chart source.'),
});
/** `spec.chartRef`. */
export type HelmReleaseChartRef = z.infer<typeof HelmReleaseChartRefSchema>;

/** An entry of `spec.valuesFrom`. */
export const ValuesReferenceSchema = z.object({
  kind: z.enum(['ConfigMap', 'Secret']).describe('Kind of the object holding the values.'),
  name: z.string().min(1).max(253).describe("Name of the object, in the HelmRelease's namespace."),
  valuesKey: z
    .string()
    .max(253)
    .regex(/^[\-._a-zA-Z0-9]+$/, { error: 'must be a ConfigMap/Secret data key' })
    .default('values.yaml')
    .describe('Data key holding the values.'),
  targetPath: z
    .string()
    .max(250)
    .regex(/^([a-zA-Z0-9_\-.\\/]|\[[0-9]{1,5}\])+$/, { error: 'must be a --set path such as a.b[0].c' })
    .optional()
    .describe('Set the whole data value at this --set path instead of merging it as a YAML document.'),
  optional: z.boolean().default(false).describe('Tolerate a missing object (a missing key or bad data still fails).'),
  literal: z
    .boolean()
    .optional()
    .describe('With targetPath, set the value as a string verbatim (--set-literal) instead of parsing it.'),
});
/** An entry of `spec.valuesFrom`, defaults applied. */
export type ValuesReference = z.infer<typeof ValuesReferenceSchema>;

/** `spec.driftDetection`: compare the cluster with the release manifest. */
export const DriftDetectionSchema = z.object({
  mode: z
    .enum(['enabled', 'warn', 'disabled'])
    .optional()
    .describe('disabled (default), warn (event and Drifted=True) or enabled (also correct the drift).'),
  ignore: z.array(IgnoreRuleSchema).optional().describe('Fields the comparison leaves alone.'),
});
/** `spec.driftDetection`. */
export type DriftDetection = z.infer<typeof DriftDetectionSchema>;

/** An entry of `spec.postRenderers`: a kustomize pass over the rendered manifests. */
export const PostRendererSchema = z.object({
  kustomize: z
    .object({
      patches: z.array(PatchSchema).optional().describe('Inline strategic-merge or JSON 6902 patches.'),
      images: z.array(ImageSchema).optional().describe('Image overrides.'),
    })
    .optional(),
});
/** An entry of `spec.postRenderers`. */
export type PostRenderer = z.infer<typeof PostRendererSchema>;

/** The Flux CEL rule, in our words: a HelmRelease takes its chart from exactly one place. */
const CHART_XOR_CHARTREF = {
  rule: 'has(self.chart) != has(self.chartRef)',
  message: 'exactly one of chart or chartRef must be set',
} as const;

/** `spec` of a HelmRelease. Exactly one of `chart` and `chartRef` (checked here and by the CRD). */
export const HelmReleaseSpecSchema = z
  .object({
    chart: HelmChartTemplateSchema.optional().describe('Template of a HelmChart to generate for this release.'),
    chartRef: HelmReleaseChartRefSchema.optional().describe('Existing chart artifact to release.'),
    interval: DurationSchema.describe('How often the release is reconciled.'),
    timeout: DurationSchema.optional().describe('Timeout of each Kubernetes operation of an action; 5m when empty.'),
    releaseName: z
      .string()
      .min(1)
      .max(53)
      .optional()
      .describe('Helm release name; [targetNamespace-]name when empty, shortened with a hash past 53 chars.'),
    targetNamespace: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe("Namespace released into; the HelmRelease's when empty."),
    storageNamespace: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe("Namespace of the Helm storage Secrets; the HelmRelease's when empty."),
    dependsOn: z.array(DependencyReferenceSchema).optional().describe('HelmReleases that must be ready first.'),
    serviceAccountName: z
      .string()
      .min(1)
      .max(253)
      .optional()
      .describe('ServiceAccount to impersonate for every Helm action.'),
    kubeConfig: KubeConfigReferenceSchema.optional().describe('Remote cluster to release to.'),
    persistentClient: z
      .boolean()
      .optional()
      .describe('Reuse one Kubernetes client for the whole reconcile; true when empty.'),
    maxHistory: z.int().min(0).default(5).describe('Release revisions Helm keeps in storage; 0 for unlimited.'),
    values: z.record(z.string(), z.unknown()).optional().describe('Inline values, merged over valuesFrom documents.'),
    valuesFrom: z.array(ValuesReferenceSchema).optional().describe('ConfigMaps and Secrets with values, in order.'),
    install: InstallSchema.optional(),
    upgrade: UpgradeSchema.optional(),
    test: TestSchema.optional(),
    rollback: RollbackSchema.optional(),
    uninstall: UninstallSchema.optional(),
    driftDetection: DriftDetectionSchema.optional(),
    postRenderers: z.array(PostRendererSchema).optional().describe('Post-renderers applied in order.'),
    postRenderStrategy: z
      .enum(['nohooks', 'combined', 'separate'])
      .optional()
      .describe('How hooks reach the post-renderers: nohooks, combined (default) or separate.'),
    commonMetadata: z
      .object({ labels: stringMap.optional(), annotations: stringMap.optional() })
      .optional()
      .describe('Labels and annotations set on every released object.'),
    waitStrategy: z
      .object({ name: z.enum(['poller', 'legacy']).describe('poller (kstatus, default) or legacy (Helm 3 wait).') })
      .optional()
      .describe('How readiness is awaited after an action.'),
    healthCheckExprs: z
      .array(CustomHealthCheckSchema)
      .optional()
      .describe('CEL health rules for custom resources; poller wait strategy only.'),
    suspend: z.boolean().optional().describe('Stop reconciling; the release stays.'),
  })
  .refine((spec) => (spec.chart === undefined) !== (spec.chartRef === undefined), {
    message: CHART_XOR_CHARTREF.message,
  })
  // The same rule for the apiserver: api/crd.ts copies x-kubernetes-* keywords into the CRD.
  .meta({ 'x-kubernetes-validations': [CHART_XOR_CHARTREF] });
/** `spec` of a HelmRelease, defaults applied (`maxHistory` is always set). */
export type HelmReleaseSpec = z.infer<typeof HelmReleaseSpecSchema>;

/** `status.history[].testHooks[name]`: one Helm test hook of a release. */
export const TestHookStatusSchema = z.object({
  lastStarted: TimeSchema.optional(),
  lastCompleted: TimeSchema.optional(),
  phase: z.string().optional().describe('Hook phase: Running, Succeeded, Failed or Unknown.'),
});
/** One Helm test hook of a release. */
export type TestHookStatus = z.infer<typeof TestHookStatusSchema>;

/** An entry of `status.history` (helm-controller v2 Snapshot): one Helm release revision. */
export const HelmReleaseSnapshotSchema = z.object({
  apiVersion: z.string().optional().describe('Version of the snapshot format.'),
  digest: z.string().describe('Checksum of the release object in Helm storage.'),
  name: z.string().describe('Release name.'),
  namespace: z.string().describe('Release namespace.'),
  version: z.int().describe('Release revision.'),
  status: z.string().describe('Helm status: deployed, failed, superseded, uninstalled…'),
  action: z.string().optional().describe('Action that produced the revision: install, upgrade or rollback.'),
  chartName: z.string().describe('Chart name.'),
  chartVersion: z.string().describe('Chart version (for OCI, <version>+<digest[:12]>).'),
  appVersion: z.string().optional().describe('appVersion of the chart.'),
  configDigest: z.string().describe('Checksum of the values the release was made with.'),
  firstDeployed: TimeSchema.describe('When the revision was first deployed.'),
  lastDeployed: TimeSchema.describe('When the revision was last deployed.'),
  deleted: TimeSchema.optional().describe('When the release was uninstalled.'),
  testHooks: z
    .record(z.string(), TestHookStatusSchema)
    .optional()
    .describe('Test hooks run for this revision; absent until tested.'),
  ociDigest: z.string().optional().describe('Digest of the OCI artifact the chart came from.'),
});
/** An entry of `status.history`. */
export type HelmReleaseSnapshot = z.infer<typeof HelmReleaseSnapshotSchema>;

/** `status` of a HelmRelease. */
export const HelmReleaseStatusSchema = z.object({
  observedGeneration: z
    .int()
    .default(-1)
    .describe('Last generation reconciled; -1 until the first reconcile, which kstatus reads as in progress.'),
  observedPostRenderersDigest: z.string().optional().describe('Digest of spec.postRenderers last released.'),
  observedCommonMetadataDigest: z.string().optional().describe('Digest of spec.commonMetadata last released.'),
  lastAttemptedGeneration: z.int().optional().describe('Generation of the last release attempt.'),
  conditions: ConditionsSchema.optional(),
  helmChart: z.string().optional().describe('The generated HelmChart, <namespace>/<name>.'),
  storageNamespace: z.string().optional().describe('Namespace of the Helm storage in use.'),
  history: z
    .array(HelmReleaseSnapshotSchema)
    .optional()
    .describe('Releases up to the previous successful one, newest first.'),
  lastAttemptedReleaseAction: z
    .enum(['install', 'upgrade'])
    .optional()
    .describe('Last release action attempted; selects the active remediation.'),
  lastAttemptedReleaseActionDuration: DurationSchema.optional().describe('How long the last release action took.'),
  failures: z.int().min(0).optional().describe('Reconcile failures since the last success.'),
  installFailures: z.int().min(0).optional().describe('Install failures since the inputs last changed.'),
  upgradeFailures: z.int().min(0).optional().describe('Upgrade failures since the inputs last changed.'),
  lastAttemptedRevision: z.string().optional().describe('Chart version of the last attempt.'),
  lastAttemptedRevisionDigest: z.string().optional().describe('OCI digest of the chart of the last attempt.'),
  lastAttemptedConfigDigest: z.string().optional().describe('Values digest of the last attempt.'),
  lastAttemptedValuesChecksum: z.string().optional().describe('Deprecated: use lastAttemptedConfigDigest.'),
  lastReleaseRevision: z.int().optional().describe('Deprecated: use history.'),
  lastHandledReconcileAt: z
    .string()
    .optional()
    .describe('Value of the reconcile.fluxcd.io/requestedAt annotation last handled.'),
  lastHandledForceAt: z
    .string()
    .optional()
    .describe('Value of the reconcile.fluxcd.io/forceAt annotation last handled.'),
  lastHandledResetAt: z
    .string()
    .optional()
    .describe('Value of the reconcile.fluxcd.io/resetAt annotation last handled.'),
  inventory: InventorySchema.optional().describe('Objects of the release (and chart CRDs), hooks excluded.'),
});
/** `status` of a HelmRelease, defaults applied. */
export type HelmReleaseStatus = z.infer<typeof HelmReleaseStatusSchema>;

/** `helm.toolkit.fluxcd.io/v2`. */
export const HELMRELEASE_API_VERSION = 'helm.toolkit.fluxcd.io/v2';

/** A whole HelmRelease object, as read from the cluster or a manifest. */
export const HelmReleaseSchema = z
  .object({
    apiVersion: z.literal(HELMRELEASE_API_VERSION),
    kind: z.literal('HelmRelease'),
    metadata: ObjectMetaSchema,
    spec: HelmReleaseSpecSchema,
    // The CRD defaults status this way too, so a new object reads as "not yet observed".
    status: HelmReleaseStatusSchema.default({ observedGeneration: -1 }),
  })
  .describe('HelmRelease installs and upgrades a Helm chart release.');
/** A whole HelmRelease object, defaults applied. */
export type HelmRelease = z.infer<typeof HelmReleaseSchema>;

/** REST names, schemas and `kubectl get` columns of HelmRelease, as Flux's CRD declares them. */
export const HelmReleaseKind = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2',
  apiVersion: HELMRELEASE_API_VERSION,
  kind: 'HelmRelease',
  listKind: 'HelmReleaseList',
  plural: 'helmreleases',
  singular: 'helmrelease',
  shortNames: ['hr'],
  categories: ['all', 'fluxcd'],
  scope: 'Namespaced',
  schemas: { spec: HelmReleaseSpecSchema, status: HelmReleaseStatusSchema, object: HelmReleaseSchema },
  printerColumns: READY_PRINTER_COLUMNS,
} as const satisfies KindDescriptor;

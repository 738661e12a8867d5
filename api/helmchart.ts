/**
 * HelmChart (source.toolkit.fluxcd.io/v1): one chart pulled from a HelmRepository or packaged from
 * a GitRepository or Bucket path, stored as an artifact whose revision is the chart version.
 * helm-controller creates one per HelmRelease that uses `spec.chart` (see `helmChartNameFor`).
 *
 * @module
 */
import { z } from 'zod';
import {
  ArtifactSchema,
  ConditionsSchema,
  DurationSchema,
  LocalObjectReferenceSchema,
  ObjectMetaSchema,
  READY_PRINTER_COLUMNS,
  type KindDescriptor,
} from './meta.js';

/** The source kinds a chart can come from. */
export const HELMCHART_SOURCE_KINDS = ['HelmRepository', 'GitRepository', 'Bucket'] as const;

/** `spec.sourceRef`: the source in the HelmChart's own namespace. */
export const HelmChartSourceReferenceSchema = z.object({
  apiVersion: z.string().optional().describe('API version of the referent.'),
  kind: z.enum(HELMCHART_SOURCE_KINDS).describe('Kind of the source: HelmRepository, GitRepository or Bucket.'),
  name: z.string().min(1).max(253).describe('Name of the source.'),
});
/** `spec.sourceRef`. */
export type HelmChartSourceReference = z.infer<typeof HelmChartSourceReferenceSchema>;

/**
 * `spec.verify` (source-controller OCIRepositoryVerification): signature verification of a chart
 * pulled from an OCI registry. Shared with OCIRepository, which uses the same shape.
 */
export const OCIVerificationSchema = z.object({
  provider: z
    .enum(['cosign', 'notation'])
    .default('cosign')
    .describe('Signing technology: cosign (default) or notation.'),
  secretRef: LocalObjectReferenceSchema.optional().describe(
    'Secret with the trusted public keys; keyless verification when absent (cosign).'
  ),
  matchOIDCIdentity: z
    .array(
      z.object({
        issuer: z.string().describe('Regular expression the OIDC issuer must match.'),
        subject: z.string().describe('Regular expression the OIDC subject must match.'),
      })
    )
    .optional()
    .describe('Keyless identities accepted; any one must match.'),
  trustedRootSecretRef: LocalObjectReferenceSchema.optional().describe(
    'Secret with a Sigstore trusted_root.json for private infrastructure.'
  ),
});
/** `spec.verify`. */
export type OCIVerification = z.infer<typeof OCIVerificationSchema>;

/** `spec` of a HelmChart. */
export const HelmChartSpecSchema = z.object({
  chart: z
    .string()
    .min(1)
    .max(2048)
    .describe('Chart name (HelmRepository) or path in the artifact (GitRepository, Bucket).'),
  version: z
    .string()
    .default('*')
    .describe('SemVer range of the chart version; ignored for GitRepository and Bucket sources.'),
  sourceRef: HelmChartSourceReferenceSchema.describe('Source the chart is pulled or packaged from.'),
  interval: DurationSchema.describe('How often the source is checked for a new chart.'),
  reconcileStrategy: z
    .enum(['ChartVersion', 'Revision'])
    .default('ChartVersion')
    .describe('New artifact on a chart version bump only (ChartVersion) or on every source revision (Revision).'),
  valuesFiles: z
    .array(z.string())
    .optional()
    .describe("Values files merged in order into the packaged chart's values.yaml."),
  ignoreMissingValuesFiles: z.boolean().optional().describe('Skip values files that do not exist.'),
  verify: OCIVerificationSchema.optional().describe('Signature verification; OCI HelmRepository sources only.'),
  suspend: z.boolean().optional().describe('Stop reconciling; the artifact stays.'),
});
/** `spec` of a HelmChart, defaults applied (`version` and `reconcileStrategy` are always set). */
export type HelmChartSpec = z.infer<typeof HelmChartSpecSchema>;

/** `status` of a HelmChart. */
export const HelmChartStatusSchema = z.object({
  observedGeneration: z
    .int()
    .default(-1)
    .describe('Last generation reconciled; -1 until the first reconcile, which kstatus reads as in progress.'),
  observedSourceArtifactRevision: z
    .string()
    .optional()
    .describe('Revision of the source artifact the chart was last built from.'),
  observedChartName: z.string().optional().describe('Name of the chart last built.'),
  observedValuesFiles: z.array(z.string()).optional().describe('spec.valuesFiles the artifact was built with.'),
  conditions: ConditionsSchema.optional(),
  url: z.string().optional().describe('Address of the stored chart artifact.'),
  artifact: ArtifactSchema.optional().describe('The packaged chart; its revision is the chart version.'),
  lastHandledReconcileAt: z
    .string()
    .optional()
    .describe('Value of the reconcile.fluxcd.io/requestedAt annotation last handled.'),
});
/** `status` of a HelmChart, defaults applied. */
export type HelmChartStatus = z.infer<typeof HelmChartStatusSchema>;

/** `source.toolkit.fluxcd.io/v1`. */
export const HELMCHART_API_VERSION = 'source.toolkit.fluxcd.io/v1';

/** A whole HelmChart object, as read from the cluster or a manifest. */
export const HelmChartSchema = z
  .object({
    apiVersion: z.literal(HELMCHART_API_VERSION),
    kind: z.literal('HelmChart'),
    metadata: ObjectMetaSchema,
    spec: HelmChartSpecSchema,
    // The CRD defaults status this way too, so a new object reads as "not yet observed".
    status: HelmChartStatusSchema.default({ observedGeneration: -1 }),
  })
  .describe('HelmChart produces a packaged Helm chart artifact from a source.');
/** A whole HelmChart object, defaults applied. */
export type HelmChart = z.infer<typeof HelmChartSchema>;

/** REST names, schemas and `kubectl get` columns of HelmChart, as Flux's CRD declares them. */
export const HelmChartKind = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  apiVersion: HELMCHART_API_VERSION,
  kind: 'HelmChart',
  listKind: 'HelmChartList',
  plural: 'helmcharts',
  singular: 'helmchart',
  shortNames: ['hc'],
  categories: ['all', 'fluxcd', 'fluxcd-sources'],
  scope: 'Namespaced',
  schemas: { spec: HelmChartSpecSchema, status: HelmChartStatusSchema, object: HelmChartSchema },
  printerColumns: [
    { name: 'Chart', type: 'string', jsonPath: '.spec.chart' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Source Kind', type: 'string', jsonPath: '.spec.sourceRef.kind' },
    { name: 'Source Name', type: 'string', jsonPath: '.spec.sourceRef.name' },
    ...READY_PRINTER_COLUMNS,
  ],
} as const satisfies KindDescriptor;

/**
 * HelmRepository (source.toolkit.fluxcd.io/v1): a Helm chart repository whose `index.yaml` is
 * fetched at `spec.interval` and stored as an artifact. With `type: oci` it is a static object that
 * only carries the registry address and credentials for HelmCharts (Flux keeps it in maintenance mode
 * and points users to OCIRepository). Field names, defaults and patterns are Flux's.
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

/**
 * `spec.accessFrom` (fluxcd/pkg apis/acl AccessFrom): namespaces allowed to reference this object.
 * Flux documents it as not implemented; Ballast parses it so manifests that set it still apply.
 */
export const AccessFromSchema = z.object({
  namespaceSelectors: z
    .array(
      z.object({
        matchLabels: z
          .record(z.string(), z.string())
          .optional()
          .describe('Labels a namespace must carry to be allowed.'),
      })
    )
    .describe('Namespaces allowed to reference the object; an empty selector matches all.'),
});
/** `spec.accessFrom`. */
export type AccessFrom = z.infer<typeof AccessFromSchema>;

/** `spec` of a HelmRepository. */
export const HelmRepositorySpecSchema = z.object({
  url: z
    .string()
    .regex(/^(http|https|oci):\/\/.*$/, { error: 'must be an http://, https:// or oci:// URL' })
    .describe('Address of the index (http/https) or the registry (oci).'),
  type: z
    .enum(['default', 'oci'])
    .optional()
    .describe("'default' for an index.yaml repository (the default), 'oci' for an OCI registry."),
  secretRef: LocalObjectReferenceSchema.optional().describe(
    'Secret with username/password (HTTP basic auth) or a dockerconfigjson (oci).'
  ),
  certSecretRef: LocalObjectReferenceSchema.optional().describe(
    'Secret with TLS client certificate (tls.crt, tls.key) and/or CA (ca.crt).'
  ),
  passCredentials: z
    .boolean()
    .optional()
    .describe('Send the credentials to chart download hosts other than the index host.'),
  interval: DurationSchema.optional().describe('How often the index is fetched; unused for type oci.'),
  timeout: DurationSchema.default('60s').describe('Timeout of the index fetch and of OCI registry operations.'),
  insecure: z.boolean().optional().describe('Allow plain HTTP to the registry; type oci only.'),
  provider: z
    .enum(['generic', 'aws', 'azure', 'gcp'])
    .default('generic')
    .describe('Registry authentication provider; type oci only.'),
  suspend: z.boolean().optional().describe('Stop reconciling; the artifact stays.'),
  accessFrom: AccessFromSchema.optional().describe('Namespaces allowed to reference this object (not enforced).'),
});
/** `spec` of a HelmRepository, defaults applied (`timeout` and `provider` are always set). */
export type HelmRepositorySpec = z.infer<typeof HelmRepositorySpecSchema>;

/** `status` of a HelmRepository. */
export const HelmRepositoryStatusSchema = z.object({
  observedGeneration: z
    .int()
    .default(-1)
    .describe('Last generation reconciled; -1 until the first reconcile, which kstatus reads as in progress.'),
  conditions: ConditionsSchema.optional(),
  url: z.string().optional().describe('Address of the stored index.yaml artifact.'),
  artifact: ArtifactSchema.optional().describe('The index.yaml of the last successful reconcile.'),
  lastHandledReconcileAt: z
    .string()
    .optional()
    .describe('Value of the reconcile.fluxcd.io/requestedAt annotation last handled.'),
});
/** `status` of a HelmRepository, defaults applied. */
export type HelmRepositoryStatus = z.infer<typeof HelmRepositoryStatusSchema>;

/** `source.toolkit.fluxcd.io/v1`. */
export const HELMREPOSITORY_API_VERSION = 'source.toolkit.fluxcd.io/v1';

/** A whole HelmRepository object, as read from the cluster or a manifest. */
export const HelmRepositorySchema = z
  .object({
    apiVersion: z.literal(HELMREPOSITORY_API_VERSION),
    kind: z.literal('HelmRepository'),
    metadata: ObjectMetaSchema,
    spec: HelmRepositorySpecSchema,
    // The CRD defaults status this way too, so a new object reads as "not yet observed".
    status: HelmRepositoryStatusSchema.default({ observedGeneration: -1 }),
  })
  .describe('HelmRepository produces an artifact from a Helm repository index.');
/** A whole HelmRepository object, defaults applied. */
export type HelmRepository = z.infer<typeof HelmRepositorySchema>;

/** REST names, schemas and `kubectl get` columns of HelmRepository, as Flux's CRD declares them. */
export const HelmRepositoryKind = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  apiVersion: HELMREPOSITORY_API_VERSION,
  kind: 'HelmRepository',
  listKind: 'HelmRepositoryList',
  plural: 'helmrepositories',
  singular: 'helmrepository',
  shortNames: ['helmrepo'],
  categories: ['all', 'fluxcd', 'fluxcd-sources'],
  scope: 'Namespaced',
  schemas: { spec: HelmRepositorySpecSchema, status: HelmRepositoryStatusSchema, object: HelmRepositorySchema },
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...READY_PRINTER_COLUMNS],
} as const satisfies KindDescriptor;

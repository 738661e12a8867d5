/**
 * Provider (notification.toolkit.fluxcd.io/v1beta3): where the events an Alert selects are sent, a
 * chat webhook, a generic HTTP endpoint or a Git host's commit status API. Static, as in Flux: no
 * status; the Secret it names is read at send time by the delivery activity. Field names, enums,
 * patterns and limits are Flux's (notification-controller api/v1beta3/provider_types.go).
 *
 * @module
 */
import { z } from 'zod';
import { LocalObjectReferenceSchema, ObjectMetaSchema, type KindDescriptor } from './meta.js';

/** Every Provider type Flux accepts; Ballast delivers to {@link SUPPORTED_PROVIDER_TYPES}. */
export const PROVIDER_TYPES = [
  'slack',
  'discord',
  'msteams',
  'rocket',
  'generic',
  'generic-hmac',
  'github',
  'gitlab',
  'gitea',
  'giteapullrequestcomment',
  'bitbucketserver',
  'bitbucket',
  'azuredevops',
  'googlechat',
  'googlepubsub',
  'webex',
  'sentry',
  'azureeventhub',
  'telegram',
  'lark',
  'matrix',
  'opsgenie',
  'alertmanager',
  'grafana',
  'githubdispatch',
  'githubpullrequestcomment',
  'gitlabmergerequestcomment',
  'pagerduty',
  'datadog',
  'nats',
  'zulip',
  'otel',
  'zoom',
  'incident.io',
] as const;
/** A Provider type. */
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Types that set a commit status on the revision an event names (Flux's isCommitStatusProvider). */
export const COMMIT_STATUS_PROVIDER_TYPES = [
  'github',
  'gitlab',
  'gitea',
  'bitbucketserver',
  'bitbucket',
  'azuredevops',
] as const satisfies readonly ProviderType[];

/** Types Ballast can deliver to; a Provider of another type is valid, its events fail with a clear message. */
export const SUPPORTED_PROVIDER_TYPES = [
  'generic',
  'generic-hmac',
  'slack',
  'msteams',
  'discord',
  'rocket',
  'googlechat',
  'webex',
  ...COMMIT_STATUS_PROVIDER_TYPES,
] as const satisfies readonly ProviderType[];

/** Whether `type` posts commit statuses. */
export function isCommitStatusProvider(type: string): boolean {
  return (COMMIT_STATUS_PROVIDER_TYPES as readonly string[]).includes(type);
}

const COMMIT_STATUS_EXPR_ONLY_FOR_GIT = {
  rule: `${COMMIT_STATUS_PROVIDER_TYPES.map((t) => `self.type == '${t}'`).join(' || ')} || !has(self.commitStatusExpr)`,
  message: `spec.commitStatusExpr is only supported for the ${COMMIT_STATUS_PROVIDER_TYPES.map((t) => `'${t}'`).join(', ')} provider types`,
} as const;

/** `spec` of a Provider. */
export const ProviderSpecSchema = z
  .object({
    type: z.enum(PROVIDER_TYPES).describe('Which Provider implementation to use.'),
    interval: z
      .string()
      .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/)
      .optional()
      .describe('Deprecated and not used in v1beta3.'),
    channel: z.string().max(2048).optional().describe('Destination channel (chat providers) or room id (webex).'),
    username: z.string().max(2048).optional().describe('Name under which events are posted.'),
    address: z
      .string()
      .max(2048)
      .optional()
      .describe('Webhook URL, API address or repository URL, by type; the Secret key "address" overrides it.'),
    timeout: z
      .string()
      .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m))+$/, { error: 'must be a duration such as 15s or 1m (units ms, s, m)' })
      .optional()
      .describe('Timeout of one send to the Provider (default 15s).'),
    proxy: z
      .string()
      .max(2048)
      .regex(/^(http|https):\/\/.*$/, { error: 'must be an http:// or https:// URL' })
      .optional()
      .describe('Deprecated: HTTP/S proxy address; use proxySecretRef.'),
    proxySecretRef: LocalObjectReferenceSchema.optional().describe(
      'Secret with the proxy "address" and optional "username" and "password".'
    ),
    secretRef: LocalObjectReferenceSchema.optional().describe(
      'Secret with the credentials: address, token, username, password, headers (YAML map).'
    ),
    serviceAccountName: z.string().optional().describe('Workload identity ServiceAccount (not supported by Ballast).'),
    certSecretRef: LocalObjectReferenceSchema.optional().describe(
      'Secret with ca.crt and/or tls.crt + tls.key for TLS to the Provider.'
    ),
    suspend: z.boolean().optional().describe('Stop sending events to this Provider.'),
    commitStatusExpr: z
      .string()
      .optional()
      .describe('CEL expression for the commit status context (not supported by Ballast).'),
  })
  .refine((spec) => spec.commitStatusExpr === undefined || isCommitStatusProvider(spec.type), {
    message: COMMIT_STATUS_EXPR_ONLY_FOR_GIT.message,
  })
  .meta({ 'x-kubernetes-validations': [COMMIT_STATUS_EXPR_ONLY_FOR_GIT] });
/** `spec` of a Provider. */
export type ProviderSpec = z.infer<typeof ProviderSpecSchema>;

/** `notification.toolkit.fluxcd.io/v1beta3`. */
export const NOTIFICATION_API_VERSION = 'notification.toolkit.fluxcd.io/v1beta3';

/**
 * The kinds notification objects may name (Flux's CrossNamespaceObjectReference enum): the event
 * sources of an Alert and the targets of a Receiver.
 */
export const NOTIFICATION_OBJECT_KINDS = [
  'Bucket',
  'GitRepository',
  'Kustomization',
  'HelmRelease',
  'HelmChart',
  'HelmRepository',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'OCIRepository',
  'ArtifactGenerator',
  'ExternalArtifact',
] as const;

/** Flux's default timeout of one send. */
export const DEFAULT_PROVIDER_TIMEOUT = '15s';

/** A whole Provider object, as read from the cluster or a manifest. */
export const ProviderSchema = z
  .object({
    apiVersion: z.literal(NOTIFICATION_API_VERSION),
    kind: z.literal('Provider'),
    metadata: ObjectMetaSchema,
    spec: ProviderSpecSchema,
  })
  .describe('Provider is where the events an Alert selects are sent.');
/** A whole Provider object. */
export type Provider = z.infer<typeof ProviderSchema>;

/** REST names, schemas and columns of Provider, as Flux's CRD declares them (no status). */
export const ProviderKind = {
  group: 'notification.toolkit.fluxcd.io',
  version: 'v1beta3',
  apiVersion: NOTIFICATION_API_VERSION,
  kind: 'Provider',
  listKind: 'ProviderList',
  plural: 'providers',
  singular: 'provider',
  shortNames: [],
  categories: ['all', 'fluxcd', 'fluxcd-notifications'],
  scope: 'Namespaced',
  schemas: { spec: ProviderSpecSchema, status: z.object({}), object: ProviderSchema },
  printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
} as const satisfies KindDescriptor;

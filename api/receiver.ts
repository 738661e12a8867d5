/**
 * Receiver (notification.toolkit.fluxcd.io/v1): a webhook endpoint that, on a valid event from
 * GitHub, GitLab, a registry or any HMAC-signing sender, asks for reconciles of the listed
 * resources by setting `reconcile.fluxcd.io/requestedAt` on them, exactly as Flux's
 * notification-controller does. Every Flux field is here with Flux's name and meaning.
 *
 * @module
 */
import { z } from 'zod';
import {
  ConditionsSchema,
  DurationSchema,
  LocalObjectReferenceSchema,
  ObjectMetaSchema,
  READY_PRINTER_COLUMNS,
  type KindDescriptor,
} from './meta.js';
import { NOTIFICATION_OBJECT_KINDS } from './provider.js';
import { sha256Hex } from './sha256.js';

/** Every sender type Flux knows, in Flux's order. */
export const RECEIVER_TYPES = [
  'generic',
  'generic-hmac',
  'generic-oidc',
  'github',
  'gitlab',
  'bitbucket',
  'harbor',
  'dockerhub',
  'quay',
  'gcr',
  'nexus',
  'acr',
  'cdevents',
] as const;
/** A Receiver's `spec.type`. */
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** An entry of `spec.resources`: one object by name, or every object of a kind with `name: '*'` and matchLabels. */
export const ReceiverResourceSchema = z.object({
  apiVersion: z.string().optional().describe('API version of the referent; a Flux default for Flux kinds when empty.'),
  kind: z.enum(NOTIFICATION_OBJECT_KINDS).describe('Kind of the referent.'),
  name: z.string().min(1).max(253).describe('Name of the referent, or * for every object matching matchLabels.'),
  namespace: z.string().min(1).max(253).optional().describe("Namespace of the referent; the Receiver's when empty."),
  matchLabels: z
    .record(z.string(), z.string())
    .optional()
    .describe('Labels the referents must carry (all of them); requires name *.'),
  filter: z.string().optional().describe('CEL expression over res and req; a reconcile is requested only when true.'),
});
/** An entry of `spec.resources`. */
export type ReceiverResource = z.infer<typeof ReceiverResourceSchema>;

/** `spec.oidcProviders[]` of a generic-oidc Receiver. */
export const OIDCProviderSchema = z.object({
  issuerURL: z
    .string()
    .regex(/^https?:\/\//)
    .describe("OIDC issuer; must match the token's iss claim."),
  audience: z.string().optional().describe('Expected aud claim; notification-controller when empty.'),
  variables: z
    .array(z.object({ name: z.string(), expression: z.string() }))
    .optional()
    .describe('Named CEL expressions over the claims, exposed as vars.<name>.'),
  validations: z
    .array(z.object({ expression: z.string(), message: z.string() }))
    .min(1)
    .describe('CEL expressions over claims and vars that must all be true.'),
});

interface OidcFields {
  type: string;
  secretRef?: unknown;
  oidcProviders?: unknown[];
}

// Flux's CRD rules: generic-oidc authenticates with OIDC and takes no Secret; every other type needs one.
// `holds` is the same rule for zod, so a manifest read outside the apiserver is checked alike.
const OIDC_RULES: readonly { rule: string; message: string; holds: (s: OidcFields) => boolean }[] = [
  {
    rule: "self.type != 'generic-oidc' || (has(self.oidcProviders) && size(self.oidcProviders) > 0)",
    message: 'generic-oidc receivers must define at least one oidcProvider',
    holds: (s) => s.type !== 'generic-oidc' || (s.oidcProviders?.length ?? 0) > 0,
  },
  {
    rule: "self.type == 'generic-oidc' || !has(self.oidcProviders) || size(self.oidcProviders) == 0",
    message: 'oidcProviders can only be set when type is generic-oidc',
    holds: (s) => s.type === 'generic-oidc' || (s.oidcProviders?.length ?? 0) === 0,
  },
  {
    rule: "self.type != 'generic-oidc' || !has(self.secretRef)",
    message: 'secretRef cannot be set when type is generic-oidc',
    holds: (s) => s.type !== 'generic-oidc' || s.secretRef === undefined,
  },
  {
    rule: "self.type == 'generic-oidc' || has(self.secretRef)",
    message: 'secretRef is required when type is not generic-oidc',
    holds: (s) => s.type === 'generic-oidc' || s.secretRef !== undefined,
  },
];

/** `spec` of a Receiver. */
export const ReceiverSpecSchema = z
  .object({
    type: z.enum(RECEIVER_TYPES).describe('Sender type; decides how a request is authenticated and parsed.'),
    interval: DurationSchema.default('10m').describe('How often the Receiver is re-checked against its Secret.'),
    events: z
      .array(z.string())
      .optional()
      .describe("Event types to act on, e.g. 'push' (GitHub) or 'Push Hook' (GitLab); all when empty."),
    resources: z.array(ReceiverResourceSchema).describe('Objects whose reconcile a valid event requests.'),
    resourceFilter: z.string().optional().describe('CEL expression over res and req applied to every resource.'),
    secretRef: LocalObjectReferenceSchema.optional().describe(
      "Secret with key 'token' that authenticates requests and derives the webhook path."
    ),
    oidcProviders: z.array(OIDCProviderSchema).optional().describe('OIDC issuers of a generic-oidc Receiver.'),
    suspend: z.boolean().optional().describe('Refuse events (503) while true.'),
  })
  .superRefine((spec, ctx) => {
    for (const r of OIDC_RULES) if (!r.holds(spec)) ctx.addIssue({ code: 'custom', message: r.message });
  })
  // The same rules for the apiserver: api/crd.ts copies x-kubernetes-* keywords into the CRD.
  .meta({ 'x-kubernetes-validations': OIDC_RULES.map(({ rule, message }) => ({ rule, message })) });
/** `spec` of a Receiver, defaults applied (`interval` is always set). */
export type ReceiverSpec = z.infer<typeof ReceiverSpecSchema>;

/** `status` of a Receiver. */
export const ReceiverStatusSchema = z.object({
  observedGeneration: z.int().default(-1).describe('Last generation reconciled.'),
  conditions: ConditionsSchema.optional(),
  webhookPath: z.string().optional().describe('The webhook address, /hook/sha256sum(token+name+namespace).'),
  lastHandledReconcileAt: z
    .string()
    .optional()
    .describe('Value of the reconcile.fluxcd.io/requestedAt annotation last handled.'),
});
/** `status` of a Receiver, defaults applied. */
export type ReceiverStatus = z.infer<typeof ReceiverStatusSchema>;

/** `notification.toolkit.fluxcd.io/v1`. */
export const RECEIVER_API_VERSION = 'notification.toolkit.fluxcd.io/v1';

/** A whole Receiver object, as read from the cluster or a manifest. */
export const ReceiverSchema = z
  .object({
    apiVersion: z.literal(RECEIVER_API_VERSION),
    kind: z.literal('Receiver'),
    metadata: ObjectMetaSchema,
    spec: ReceiverSpecSchema,
    status: ReceiverStatusSchema.default({ observedGeneration: -1 }),
  })
  .describe('Receiver turns webhook events into reconcile requests of Flux objects.');
/** A whole Receiver object, defaults applied. */
export type Receiver = z.infer<typeof ReceiverSchema>;

/** REST names, schemas and `kubectl get` columns of Receiver, as Flux's CRD declares them. */
export const ReceiverKind = {
  group: 'notification.toolkit.fluxcd.io',
  version: 'v1',
  apiVersion: RECEIVER_API_VERSION,
  kind: 'Receiver',
  listKind: 'ReceiverList',
  plural: 'receivers',
  singular: 'receiver',
  shortNames: [],
  categories: ['all', 'fluxcd', 'fluxcd-notifications'],
  scope: 'Namespaced',
  schemas: { spec: ReceiverSpecSchema, status: ReceiverStatusSchema, object: ReceiverSchema },
  printerColumns: READY_PRINTER_COLUMNS,
} as const satisfies KindDescriptor;

/** Prefix of every webhook path. */
export const WEBHOOK_PATH_PREFIX = '/hook/';

/**
 * The webhook path Flux derives: `/hook/` + hex SHA-256 of token, name and namespace concatenated.
 * A Receiver moved from Flux to Ballast keeps its URL, so senders need no change.
 *
 * @example webhookPathFor('t', 'r', 'ns') // '/hook/' + sha256Hex('trns')
 */
export function webhookPathFor(token: string, name: string, namespace: string): string {
  return `${WEBHOOK_PATH_PREFIX}${sha256Hex(token + name + namespace)}`;
}

/**
 * API versions assumed for a target whose `apiVersion` is empty: notification-controller's table,
 * plus Kustomization and HelmRelease, for which Flux demands an explicit apiVersion. Being lenient
 * there keeps every Receiver Flux accepts working unchanged.
 */
export const DEFAULT_TARGET_API_VERSIONS: Readonly<Record<string, string>> = {
  Kustomization: 'kustomize.toolkit.fluxcd.io/v1',
  HelmRelease: 'helm.toolkit.fluxcd.io/v2',
  Bucket: 'source.toolkit.fluxcd.io/v1',
  HelmChart: 'source.toolkit.fluxcd.io/v1',
  HelmRepository: 'source.toolkit.fluxcd.io/v1',
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  ImageRepository: 'image.toolkit.fluxcd.io/v1',
  ArtifactGenerator: 'source.extensions.fluxcd.io/v1beta1',
};

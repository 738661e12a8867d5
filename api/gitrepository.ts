/**
 * GitRepository (source.toolkit.fluxcd.io/v1): a Git repository polled at `spec.interval` and
 * packed into an artifact. Field names, defaults and patterns are Flux's, so existing manifests apply
 * unchanged.
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

/** `spec.ref`: what to check out. Precedence: commit > name > semver > tag > branch. */
export const GitRepositoryRefSchema = z.object({
  branch: z.string().optional().describe("Branch to check out; 'master' when no other field is set."),
  tag: z.string().optional().describe('Tag to check out; takes precedence over branch.'),
  semver: z.string().optional().describe('SemVer range of tags; takes precedence over tag.'),
  name: z
    .string()
    .optional()
    .describe('Full reference, e.g. refs/pull/1/head; takes precedence over branch, tag and semver.'),
  commit: z
    .string()
    .optional()
    .describe('Commit SHA; takes precedence over every other field; with branch, a shallow clone of it.'),
});
/** `spec.ref`. */
export type GitRepositoryRef = z.infer<typeof GitRepositoryRefSchema>;

/** `spec.verify`: commit or tag signature verification. */
export const GitRepositoryVerificationSchema = z.object({
  // "head" is Flux's legacy spelling of HEAD, still accepted for old manifests.
  mode: z
    .enum(['head', 'HEAD', 'Tag', 'TagAndHEAD'])
    .default('HEAD')
    .describe('Which Git objects to verify: HEAD, Tag or TagAndHEAD.'),
  secretRef: LocalObjectReferenceSchema.describe('Secret with trusted PGP (*.asc) or SSH (*.sshpub) public keys.'),
});
/** `spec.verify`. */
export type GitRepositoryVerification = z.infer<typeof GitRepositoryVerificationSchema>;

/** An entry of `spec.include`: another GitRepository's artifact copied into this one. */
export const GitRepositoryIncludeSchema = z.object({
  repository: LocalObjectReferenceSchema.describe('GitRepository whose artifact is included.'),
  fromPath: z.string().optional().describe('Path in the included artifact to copy from; the root when empty.'),
  toPath: z.string().optional().describe('Path to copy to; the included repository name when empty.'),
});
/** An entry of `spec.include`. */
export type GitRepositoryInclude = z.infer<typeof GitRepositoryIncludeSchema>;

/** `spec` of a GitRepository. */
export const GitRepositorySpecSchema = z.object({
  url: z
    .string()
    .regex(/^(http|https|ssh):\/\/.*$/, { error: 'must be an http://, https:// or ssh:// URL' })
    .describe('Repository URL, HTTP/S or SSH.'),
  secretRef: LocalObjectReferenceSchema.optional().describe(
    'Secret with credentials: username/password or bearerToken (HTTPS), identity/known_hosts (SSH).'
  ),
  provider: z
    .enum(['generic', 'aws', 'azure', 'github'])
    .optional()
    .describe("Authentication provider; 'generic' (secretRef) when empty."),
  serviceAccountName: z
    .string()
    .optional()
    .describe('ServiceAccount for workload identity; azure and aws providers only.'),
  interval: DurationSchema.describe('How often the repository is checked for new commits.'),
  timeout: DurationSchema.default('60s').describe('Timeout of Git operations such as clone.'),
  ref: GitRepositoryRefSchema.optional().describe("Reference to check out; branch 'master' when absent."),
  verify: GitRepositoryVerificationSchema.optional().describe('Signature verification of the checked-out commit.'),
  proxySecretRef: LocalObjectReferenceSchema.optional().describe('Secret with proxy address, username, password.'),
  ignore: z.string().optional().describe('.sourceignore-format patterns that replace the default exclusions.'),
  suspend: z.boolean().optional().describe('Stop reconciling; the artifact stays.'),
  recurseSubmodules: z.boolean().optional().describe('Clone submodules too.'),
  include: z.array(GitRepositoryIncludeSchema).optional().describe('Other GitRepositories to copy into the artifact.'),
  sparseCheckout: z.array(z.string()).optional().describe('Directories to check out; everything when empty.'),
});
/** `spec` of a GitRepository, defaults applied (`timeout` is always set). */
export type GitRepositorySpec = z.infer<typeof GitRepositorySpecSchema>;

/** `status` of a GitRepository. */
export const GitRepositoryStatusSchema = z.object({
  observedGeneration: z
    .int()
    .default(-1)
    .describe('Last generation reconciled; -1 until the first reconcile, which kstatus reads as in progress.'),
  conditions: ConditionsSchema.optional(),
  artifact: ArtifactSchema.optional().describe('The artifact of the last successful reconcile.'),
  includedArtifacts: z.array(ArtifactSchema).optional().describe('Artifacts of spec.include, in order.'),
  observedIgnore: z.string().optional().describe('spec.ignore the artifact was built with.'),
  observedRecurseSubmodules: z.boolean().optional().describe('spec.recurseSubmodules the artifact was built with.'),
  observedInclude: z.array(GitRepositoryIncludeSchema).optional().describe('spec.include the artifact was built with.'),
  observedSparseCheckout: z.array(z.string()).optional().describe('spec.sparseCheckout the artifact was built with.'),
  sourceVerificationMode: z
    .enum(['head', 'HEAD', 'Tag', 'TagAndHEAD'])
    .optional()
    .describe('Verification mode of the last verified artifact.'),
  lastHandledReconcileAt: z
    .string()
    .optional()
    .describe('Value of the reconcile.fluxcd.io/requestedAt annotation last handled.'),
});
/** `status` of a GitRepository, defaults applied. */
export type GitRepositoryStatus = z.infer<typeof GitRepositoryStatusSchema>;

/** `source.toolkit.fluxcd.io/v1`. */
export const GITREPOSITORY_API_VERSION = 'source.toolkit.fluxcd.io/v1';

/** A whole GitRepository object, as read from the cluster or a manifest. */
export const GitRepositorySchema = z
  .object({
    apiVersion: z.literal(GITREPOSITORY_API_VERSION),
    kind: z.literal('GitRepository'),
    metadata: ObjectMetaSchema,
    spec: GitRepositorySpecSchema,
    // The CRD defaults status this way too, so a new object reads as "not yet observed".
    status: GitRepositoryStatusSchema.default({ observedGeneration: -1 }),
  })
  .describe('GitRepository produces an artifact from a Git repository revision.');
/** A whole GitRepository object, defaults applied. */
export type GitRepository = z.infer<typeof GitRepositorySchema>;

/** REST names, schemas and `kubectl get` columns of GitRepository, as Flux's CRD declares them. */
export const GitRepositoryKind = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  apiVersion: GITREPOSITORY_API_VERSION,
  kind: 'GitRepository',
  listKind: 'GitRepositoryList',
  plural: 'gitrepositories',
  singular: 'gitrepository',
  shortNames: ['gitrepo'],
  categories: ['all', 'fluxcd', 'fluxcd-sources'],
  scope: 'Namespaced',
  schemas: { spec: GitRepositorySpecSchema, status: GitRepositoryStatusSchema, object: GitRepositorySchema },
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...READY_PRINTER_COLUMNS],
} as const satisfies KindDescriptor;

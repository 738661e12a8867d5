import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DurationSchema } from '../api/meta.js';
import { DEFAULT_TASK_QUEUE } from '../api/task-queues.js';
import { DEFAULT_SOURCE_LIMITS, parseByteSize } from '../activities/source/source-limits.js';
import { readKeyring } from './codec/keys.js';
import { artifactStoreProblems } from './artifact-store-config.js';
import { readConfigFile } from './config-file.js';
import { DEFAULT_BUNDLE_DIR } from './workflow-bundle/bundle-cache.js';

/** `true`/`false` (also `1`/`0`, `yes`/`no`) from the environment, or a YAML boolean from the file. */
const Flag = z.union([z.boolean(), z.stringbool()], { error: 'true or false' });
/** A positive whole number, from a string (environment) or a number (file). */
const PositiveInt = z.coerce
  .number<unknown>({ error: 'a positive whole number' })
  .int({ error: 'a positive whole number' })
  .positive({ error: 'a positive whole number' });

/** A size in bytes: a number, or text like `512Mi`, `64MiB`, `1G`. */
const ByteSize = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const bytes = parseByteSize(v);
  if (bytes === undefined) ctx.addIssue({ code: 'custom', message: 'a size in bytes such as 512Mi, 64MiB or 1G' });
  return bytes ?? 0;
});

/**
 * Process configuration: defaults, then the optional YAML file named by BALLAST_CONFIG_FILE (keys
 * as below), then environment variables. Every problem is reported at once, so a misconfigured
 * deployment fails with one message instead of one restart per missing variable.
 */
const ConfigSchema = z.strictObject({
  temporalAddress: z.string().min(1).default('127.0.0.1:7233'),
  temporalNamespace: z.string().min(1).default('default'),
  /** Connect with TLS. Unset: on when any TLS setting or an API key is given (Temporal Cloud), else off. */
  temporalTls: Flag.optional(),
  /** PEM file of the CA that signed the server's certificate; unset: the system's roots. */
  temporalTlsServerCaCertPath: z.string().min(1).optional(),
  /** PEM client certificate and key for mTLS; both or neither. */
  temporalTlsClientCertPath: z.string().min(1).optional(),
  temporalTlsClientKeyPath: z.string().min(1).optional(),
  /** Name to verify the server's certificate against (and SNI), when it differs from the address's host. */
  temporalTlsServerName: z.string().min(1).optional(),
  /** Temporal Cloud API key, sent as a bearer token. A secret: never logged. */
  temporalApiKey: z.string().min(1).optional(),
  taskQueue: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  /** Activities one worker runs at once (the SDK's default when unset). */
  maxConcurrentActivityTaskExecutions: PositiveInt.optional(),
  /** Workflow tasks one worker runs at once (the SDK's default when unset). */
  maxConcurrentWorkflowTaskExecutions: PositiveInt.optional(),
  /**
   * Workflows kept in the worker's sticky cache. Ballast's workflows mostly sleep between polls, so
   * an evicted one is replayed from history at its next wake; the SDK's default scales with the
   * heap limit (thousands) and lets memory grow with the number of objects. 1000, not 100: when
   * more objects than the cache holds reconcile at once (a commit to a shared source), every step
   * of the others is a replay, and at 1000 Kustomizations with 100 cached the worker fell into
   * workflow-task timeouts (#9). About 0.2 MiB per cached workflow.
   */
  maxCachedWorkflows: z.coerce
    .number<unknown>({ error: 'a whole number, 0 or more' })
    .int({ error: 'a whole number, 0 or more' })
    .min(0, { error: 'a whole number, 0 or more' })
    .default(1000),
  /** Where workers look for (and store) the prebuilt workflow bundle; `npm run bundle` fills it. */
  workflowBundleDir: z.string().min(1).default(DEFAULT_BUNDLE_DIR),
  /** How long a stopping worker lets in-flight activities finish before cancelling them. */
  shutdownGrace: DurationSchema.default('30s'),
  /** Path to a kubeconfig; unset means $KUBECONFIG, ~/.kube/config, then in-cluster. */
  kubeconfig: z.string().optional(),
  kubeContext: z.string().optional(),
  /** Name of the managed cluster, the first segment of every workflow ID. */
  clusterName: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes')
    .default('local'),
  fieldManager: z.string().min(1).default('ballast'),
  /** Directory of the local artifact store (shared by the workers of one host). */
  artifactDir: z.string().min(1).default(path.join(tmpdir(), 'ballast-artifacts')),
  /** Where artifacts live: `local` (artifactDir) or `s3` (a bucket every worker reaches; credentials from AWS_*). */
  artifactStore: z.enum(['local', 's3']).default('local'),
  /** Endpoint of an S3-compatible server (MinIO, Ceph, …); unset: AWS S3. */
  s3Endpoint: z.url({ protocol: /^https?$/, error: 'an http(s) URL like http://minio.storage.svc:9000' }).optional(),
  s3Bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3-63 lowercase letters, digits, dots, dashes)')
    .optional(),
  /** Default: AWS_REGION, else us-east-1. */
  s3Region: z.string().min(1).optional(),
  /** Key prefix of every artifact in the bucket, e.g. ballast/prod. */
  s3Prefix: z.string().min(1).optional(),
  /** Path-style requests (endpoint/bucket/key). Unset: on when s3Endpoint is set, else off. */
  s3ForcePathStyle: Flag.optional(),
  /** The kustomize binary; a bare name is looked up on PATH. */
  kustomizeBinary: z.string().min(1).default('kustomize'),
  /** The sops binary that decrypts Kustomizations with `spec.decryption`; a bare name is looked up on PATH. */
  sopsBinary: z.string().min(1).default('sops'),
  /** The helm binary; a bare name is looked up on PATH. */
  helmBinary: z.string().min(1).default('helm'),
  /** host:port of this process's HTTP server (health, metrics; the controller's reconcile API and receivers). */
  httpAddress: z.string().optional(),
  /** host:port where a worker's Temporal SDK (Core) serves its own Prometheus metrics. */
  temporalMetricsAddress: z.string().optional(),
  /** `namespace/name` of the Secret whose key `token` is the HTTP API's bearer token; the API refuses calls while unset. */
  apiTokenSecret: z
    .string()
    .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'namespace/name of a Secret with key token, e.g. flux-system/ballast-api')
    .optional(),
  /** File of `id=base64key` lines: the payload codec's AES-256 keys (see workers/codec/keys.ts). */
  codecKeysFile: z.string().min(1).optional(),
  /** One payload codec key, base64 of 32 bytes, instead of a keys file. A secret: never logged. */
  codecKey: z.string().min(1).optional(),
  /** The id of the key that encrypts (default: BALLAST_CODEC_KEY's, else the keys file's last line). */
  codecKeyId: z.string().min(1).optional(),
  /** The Temporal UI's origin, allowed by CORS to call the codec server (e.g. http://localhost:8233). */
  codecCorsOrigin: z
    .url({ error: 'an origin like https://temporal-ui.example.com' })
    .refine((u) => new URL(u).origin === u, 'an origin: scheme://host[:port], no path or trailing slash')
    .optional(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  /** Multi-tenancy lockdown (Flux's --no-cross-namespace-refs): sources and dependencies only in the object's own namespace. */
  noCrossNamespaceRefs: Flag.default(false),
  /** Multi-tenancy lockdown (Flux's --default-service-account): who objects without spec.serviceAccountName act as. */
  defaultServiceAccount: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a ServiceAccount name (lowercase letters, digits, dashes, dots)')
    .max(253)
    .optional(),
  /** Multi-tenancy lockdown (Flux's --no-remote-bases): kustomizations may not fetch remote resources. */
  noRemoteBases: Flag.default(false),
  /** Source limits (activities/source/source-limits.ts): one artifact's bytes, one file's bytes, files per artifact. */
  sourceMaxArtifactSize: ByteSize.default(DEFAULT_SOURCE_LIMITS.maxArtifactBytes),
  sourceMaxFileSize: ByteSize.default(DEFAULT_SOURCE_LIMITS.maxFileBytes),
  sourceMaxFiles: PositiveInt.default(DEFAULT_SOURCE_LIMITS.maxFiles),
  /** Fetch sources from link-local and cloud metadata hosts (activities/source/url-policy.ts). */
  allowLinkLocalSources: Flag.default(false),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Where each process listens when its address is unset: loopback, so nothing is exposed by default. */
export const DEFAULT_ADDRESSES = {
  controllerHttp: '127.0.0.1:9290',
  workerHttp: '127.0.0.1:9291',
  workerTemporalMetrics: '127.0.0.1:9292',
} as const;

/** Environment variable → config key. The Temporal ones are the names Temporal's own CLI and SDKs read. */
export const CONFIG_ENV: Record<string, keyof Config> = {
  TEMPORAL_ADDRESS: 'temporalAddress',
  TEMPORAL_NAMESPACE: 'temporalNamespace',
  TEMPORAL_TLS: 'temporalTls',
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'temporalTlsServerCaCertPath',
  TEMPORAL_TLS_CLIENT_CERT_PATH: 'temporalTlsClientCertPath',
  TEMPORAL_TLS_CLIENT_KEY_PATH: 'temporalTlsClientKeyPath',
  TEMPORAL_TLS_SERVER_NAME: 'temporalTlsServerName',
  TEMPORAL_API_KEY: 'temporalApiKey',
  BALLAST_TASK_QUEUE: 'taskQueue',
  BALLAST_MAX_CONCURRENT_ACTIVITIES: 'maxConcurrentActivityTaskExecutions',
  BALLAST_MAX_CONCURRENT_WORKFLOW_TASKS: 'maxConcurrentWorkflowTaskExecutions',
  BALLAST_MAX_CACHED_WORKFLOWS: 'maxCachedWorkflows',
  BALLAST_WORKFLOW_BUNDLE_DIR: 'workflowBundleDir',
  BALLAST_SHUTDOWN_GRACE: 'shutdownGrace',
  KUBECONFIG: 'kubeconfig',
  BALLAST_KUBE_CONTEXT: 'kubeContext',
  BALLAST_CLUSTER_NAME: 'clusterName',
  BALLAST_FIELD_MANAGER: 'fieldManager',
  BALLAST_ARTIFACT_DIR: 'artifactDir',
  BALLAST_ARTIFACT_STORE: 'artifactStore',
  BALLAST_S3_ENDPOINT: 's3Endpoint',
  BALLAST_S3_BUCKET: 's3Bucket',
  BALLAST_S3_REGION: 's3Region',
  BALLAST_S3_PREFIX: 's3Prefix',
  BALLAST_S3_FORCE_PATH_STYLE: 's3ForcePathStyle',
  BALLAST_KUSTOMIZE: 'kustomizeBinary',
  BALLAST_SOPS: 'sopsBinary',
  BALLAST_HELM: 'helmBinary',
  BALLAST_HTTP_ADDRESS: 'httpAddress',
  BALLAST_TEMPORAL_METRICS_ADDRESS: 'temporalMetricsAddress',
  BALLAST_API_TOKEN_SECRET: 'apiTokenSecret',
  BALLAST_CODEC_KEYS_FILE: 'codecKeysFile',
  BALLAST_CODEC_KEY: 'codecKey',
  BALLAST_CODEC_KEY_ID: 'codecKeyId',
  BALLAST_CODEC_CORS_ORIGIN: 'codecCorsOrigin',
  BALLAST_LOG_LEVEL: 'logLevel',
  BALLAST_NO_CROSS_NAMESPACE_REFS: 'noCrossNamespaceRefs',
  BALLAST_DEFAULT_SERVICE_ACCOUNT: 'defaultServiceAccount',
  BALLAST_NO_REMOTE_BASES: 'noRemoteBases',
  BALLAST_SOURCE_MAX_ARTIFACT_SIZE: 'sourceMaxArtifactSize',
  BALLAST_SOURCE_MAX_FILE_SIZE: 'sourceMaxFileSize',
  BALLAST_SOURCE_MAX_FILES: 'sourceMaxFiles',
  BALLAST_ALLOW_LINK_LOCAL_SOURCES: 'allowLinkLocalSources',
};

/** The variable naming the optional YAML configuration file. */
export const CONFIG_FILE_ENV = 'BALLAST_CONFIG_FILE';

/** Every environment variable the configuration reads. */
export const KNOWN_ENV_VARIABLES: readonly string[] = [...Object.keys(CONFIG_ENV), CONFIG_FILE_ENV];

/**
 * Reads the configuration: defaults < the file named by BALLAST_CONFIG_FILE < environment <
 * `overrides`. Throws one error that lists every problem, each named the way the user set it
 * (the variable, or the file key).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const fromEnv: Record<string, string> = {};
  const label: Record<string, string> = Object.fromEntries(Object.entries(CONFIG_ENV).map(([v, k]) => [k, v]));
  for (const [variable, key] of Object.entries(CONFIG_ENV)) {
    const value = env[variable];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const filePath = env[CONFIG_FILE_ENV];
  const file = filePath ? readConfigFile(filePath) : { values: {}, problems: [] };
  for (const key of Object.keys(file.values)) if (!(key in fromEnv)) label[key] = `${key} (in ${filePath})`;
  const input = { ...file.values, ...fromEnv, ...overrides };
  const parsed = ConfigSchema.safeParse(input);
  const problems = [
    ...file.problems,
    ...(parsed.success ? [] : parsed.error.issues.map((i) => issueText(i, label, filePath))),
    ...tlsProblems(input, label),
    ...codecKeyProblems(input, label),
    ...artifactStoreProblems(input, label),
  ];
  if (!parsed.success || problems.length > 0)
    throw new Error(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return parsed.data;
}

/**
 * {@link loadConfig} for an entry point: on a bad configuration prints the problems (no stack
 * trace, nothing else to read) and exits 1.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}

function issueText(issue: z.core.$ZodIssue, label: Record<string, string>, filePath: string | undefined): string {
  if (issue.code === 'unrecognized_keys')
    return `${filePath ?? 'configuration'}: unknown keys ${issue.keys.join(', ')} (known: ${Object.values(CONFIG_ENV).join(', ')})`;
  const key = String(issue.path[0]);
  return `${label[key] ?? key}: ${issue.message}`;
}

/**
 * Checks across the TLS settings that a schema per field cannot express: a client certificate
 * needs its key, TLS switched off contradicts TLS files, and every named file must be readable now
 * rather than at the first connection.
 */
function tlsProblems(input: Record<string, unknown>, label: Record<string, string>): string[] {
  const name = (k: keyof Config): string => label[k] ?? k;
  const set = (k: keyof Config): boolean => typeof input[k] === 'string' && input[k] !== '';
  const problems: string[] = [];
  const cert = 'temporalTlsClientCertPath';
  const key = 'temporalTlsClientKeyPath';
  if (set(cert) !== set(key))
    problems.push(`${name(set(cert) ? key : cert)}: required with ${name(set(cert) ? cert : key)} (mTLS needs both)`);
  const files = ['temporalTlsServerCaCertPath', cert, key] as const;
  const off =
    input.temporalTls === false ||
    (typeof input.temporalTls === 'string' && /^(false|0|no|off)$/i.test(input.temporalTls));
  for (const f of files.filter(set)) {
    if (off) problems.push(`${name(f)}: set while ${name('temporalTls')} is false`);
    const unreadable = readable(String(input[f]));
    if (unreadable) problems.push(`${name(f)}: cannot read ${String(input[f])}: ${unreadable}`);
  }
  return problems;
}

/** The payload codec's keys are read and checked now, so a bad key stops the process at start. */
function codecKeyProblems(input: Record<string, unknown>, label: Record<string, string>): string[] {
  const text = (k: keyof Config): string | undefined => (typeof input[k] === 'string' ? input[k] : undefined);
  const settings = { codecKeysFile: text('codecKeysFile'), codecKey: text('codecKey'), codecKeyId: text('codecKeyId') };
  return readKeyring(settings, (k) => label[k] ?? k).problems;
}

function readable(file: string): string | undefined {
  try {
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../api/task-queues.js';

/**
 * Process configuration from environment variables. Every problem is reported at once, so a
 * misconfigured deployment fails with one message instead of one restart per missing variable.
 */
const ConfigSchema = z.object({
  temporalAddress: z.string().min(1).default('127.0.0.1:7233'),
  temporalNamespace: z.string().min(1).default('default'),
  taskQueue: z.string().min(1).default(DEFAULT_TASK_QUEUE),
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
  /** The kustomize binary; a bare name is looked up on PATH. */
  kustomizeBinary: z.string().min(1).default('kustomize'),
  /** The helm binary; a bare name is looked up on PATH. */
  helmBinary: z.string().min(1).default('helm'),
  /** host:port of this process's HTTP server (health, metrics; the controller's reconcile API and receivers). */
  httpAddress: z.string().optional(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable → config key. */
const ENV: Record<string, keyof Config> = {
  TEMPORAL_ADDRESS: 'temporalAddress',
  TEMPORAL_NAMESPACE: 'temporalNamespace',
  BALLAST_TASK_QUEUE: 'taskQueue',
  KUBECONFIG: 'kubeconfig',
  BALLAST_KUBE_CONTEXT: 'kubeContext',
  BALLAST_CLUSTER_NAME: 'clusterName',
  BALLAST_FIELD_MANAGER: 'fieldManager',
  BALLAST_ARTIFACT_DIR: 'artifactDir',
  BALLAST_KUSTOMIZE: 'kustomizeBinary',
  BALLAST_HELM: 'helmBinary',
  BALLAST_HTTP_ADDRESS: 'httpAddress',
  BALLAST_LOG_LEVEL: 'logLevel',
};

/** Reads the configuration; throws one error that lists every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, string> = {};
  for (const [variable, key] of Object.entries(ENV)) {
    const value = env[variable];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = ConfigSchema.safeParse({ ...raw, ...overrides });
  if (!parsed.success) {
    const byKey = Object.fromEntries(Object.entries(ENV).map(([v, k]) => [k, v]));
    const problems = parsed.error.issues.map((i) => `  ${byKey[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new Error(`invalid configuration:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The shapes of the Helm wrapper: what each command takes (one options object per command) and
 * what it returns, plus the zod schemas that validate helm's `-o json` output before anything
 * reads it. Only the small, status-worthy fields are kept: rendered manifests, chart files and
 * values stay out of results unless a method exists to ask for them.
 *
 * @module
 */
import type { PostRenderPlan } from './post-render.js';
import { z } from 'zod';

/** Where and as whom helm runs; fixed for one {@link createHelm} instance. */
export interface HelmContext {
  /** Path of the helm v4 binary, e.g. `toolPath('helm')`. */
  binary: string;
  /** Kubeconfig passed as `--kubeconfig` on every call (never through `KUBECONFIG`). */
  kubeconfigPath: string;
  /** `--kube-context`; the kubeconfig's current context when absent. */
  kubeContext?: string;
  /** `--kube-as-user`/`--kube-as-group`: a HelmRelease's `spec.serviceAccountName` impersonation. */
  impersonate?: { user: string; groups?: string[] };
  /** Extra environment (e.g. `HTTPS_PROXY`); cannot override the private `HELM_*_HOME` directories. */
  env?: Record<string, string>;
}

/** Runtime control shared by every call; not data, so it never belongs in workflow history. */
export interface HelmCallControl {
  /** Cancels the command: helm gets SIGTERM (it then marks the release failed, not pending), SIGKILL 10 s later. */
  signal?: AbortSignal;
}

/**
 * How long helm waits after applying. `false` is Helm 4's `hookOnly` (wait for hooks only);
 * `true` is `watcher` (kstatus, Flux's default `poller`); `'legacy'` is Helm 3's readiness rules.
 */
export type HelmWait = boolean | 'watcher' | 'legacy';

/** Options common to the commands that render a chart (install, upgrade, template). */
export interface HelmRenderOptions extends HelmCallControl {
  releaseName: string;
  /** Target namespace; Helm also stores the release here (a separate storage namespace needs the SDK). */
  namespace: string;
  /** Path of a chart directory or a packaged `.tgz`. */
  chart: string;
  /** Values, merged over the chart's values.yaml; written to a private 0600 file, never to argv. */
  values?: Record<string, unknown>;
  /** `--skip-schema-validation` (Flux `disableSchemaValidation`). */
  disableSchemaValidation?: boolean;
  /** `--no-hooks`. */
  disableHooks?: boolean;
  /** Kustomize passes over the rendered manifests (HelmRelease `spec.postRenderers`). */
  postRender?: PostRenderPlan;
}

/** Options common to install and upgrade. */
export interface HelmApplyOptions extends HelmRenderOptions {
  /** `--timeout`: helm's per-operation deadline (each apply, wait and hook). */
  timeoutMs: number;
  wait: HelmWait;
  /** `--wait-for-jobs`; only meaningful with `wait`. */
  waitForJobs?: boolean;
  /** `--disable-openapi-validation`. */
  disableOpenAPIValidation?: boolean;
  /** `--take-ownership`: adopt existing objects that carry no or other Helm ownership annotations. */
  takeOwnership?: boolean;
  /** `--description` stored with the release. */
  description?: string;
}

/** Options of {@link Helm.install}. */
export interface HelmInstallOptions extends HelmApplyOptions {
  /** `--create-namespace`. */
  createNamespace?: boolean;
  /** Flux `install.crds`: `Create` (default) installs the chart's crds/ when absent; `Skip` is `--skip-crds`. */
  crds?: 'Create' | 'Skip';
  /** `--replace`: reuse the name of a release that was uninstalled with history kept. */
  replace?: boolean;
  /** `--server-side=true|false`; Helm 4 and Flux default to true. */
  serverSideApply?: boolean;
}

/** Options of {@link Helm.upgrade}. */
export interface HelmUpgradeOptions extends HelmApplyOptions {
  /** `--history-max` (Flux `maxHistory`, default 5 there, 0 = unlimited). */
  maxHistory: number;
  /** `--server-side`; `'auto'` (default) keeps the previous release's method. */
  serverSideApply?: boolean | 'auto';
  /** Flux `upgrade.force`: `--force-conflicts` under server-side apply, `--force-replace` under client-side. */
  force?: boolean;
  /** `--cleanup-on-fail`. */
  cleanupOnFail?: boolean;
  /** `--reuse-values` (Flux `preserveValues`); otherwise `--reset-values`, so an empty `values` really resets. */
  preserveValues?: boolean;
}

/** Options of {@link Helm.template}. */
export interface HelmTemplateOptions extends HelmRenderOptions {
  /** `--include-crds`: also print the chart's crds/. */
  includeCrds?: boolean;
  /** `--skip-tests`: leave out test hooks. */
  skipTests?: boolean;
  /** `--kube-version` for `.Capabilities.KubeVersion` (rendering never contacts the cluster). */
  kubeVersion?: string;
  /** `--api-versions` for `.Capabilities.APIVersions`. */
  apiVersions?: string[];
  /** Deadline of the helm process; default 60 s. */
  timeoutMs?: number;
}

/** Options of {@link Helm.rollback}. */
export interface HelmRollbackOptions extends HelmCallControl {
  releaseName: string;
  namespace: string;
  /** Revision to restore; the previous one when absent. */
  revision?: number;
  timeoutMs: number;
  wait: HelmWait;
  waitForJobs?: boolean;
  /** Under server-side apply `--force-conflicts`, under client-side `--force-replace`. */
  force?: boolean;
  cleanupOnFail?: boolean;
  disableHooks?: boolean;
  /** `--server-side`; `'auto'` (default) keeps the previous release's method. */
  serverSideApply?: boolean | 'auto';
  maxHistory?: number;
  description?: string;
}

/** Options of {@link Helm.uninstall}. */
export interface HelmUninstallOptions extends HelmCallControl {
  releaseName: string;
  namespace: string;
  timeoutMs: number;
  /** `--keep-history`: mark the release uninstalled instead of deleting its records. */
  keepHistory?: boolean;
  /** Wait (`watcher`) until the objects are gone. */
  wait?: HelmWait;
  disableHooks?: boolean;
  /** `--cascade`; Helm's default is background. */
  deletionPropagation?: 'background' | 'foreground' | 'orphan';
  description?: string;
  /** Treat a missing release as uninstalled instead of throwing `not-found`. */
  ignoreNotFound?: boolean;
}

/** A Flux `test.filters` entry: run (or, with `exclude`, skip) the test hook named `name`. */
export interface HelmTestFilter {
  name: string;
  exclude?: boolean;
}

/** Options of {@link Helm.test}. */
export interface HelmTestOptions extends HelmCallControl {
  releaseName: string;
  namespace: string;
  timeoutMs: number;
  filters?: HelmTestFilter[];
}

/** Names a release (and optionally one of its revisions). */
export interface HelmReleaseRef extends HelmCallControl {
  releaseName: string;
  namespace: string;
  /** A stored revision; the latest when absent. */
  revision?: number;
}

/** Options of {@link Helm.getValues}. */
export interface HelmGetValuesOptions extends HelmReleaseRef {
  /** `--all`: the computed values (chart defaults merged), not just the user-supplied ones. */
  all?: boolean;
}

/** Options of {@link Helm.history}. */
export interface HelmHistoryOptions extends HelmCallControl {
  releaseName: string;
  namespace: string;
  /** `--max`: at most this many of the newest revisions. */
  max?: number;
}

/** The states Helm stores a release revision in. */
export const ReleaseStatusSchema = z.enum([
  'unknown',
  'deployed',
  'uninstalled',
  'superseded',
  'failed',
  'uninstalling',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
]);

/** A release revision's state, e.g. `deployed` or `pending-upgrade`. */
export type ReleaseStatus = z.infer<typeof ReleaseStatusSchema>;

const HookSchema = z.object({
  name: z.string(),
  kind: z.string().optional(),
  events: z.array(z.string()).nullish(),
  last_run: z
    .object({ started_at: z.string().optional(), completed_at: z.string().optional(), phase: z.string().optional() })
    .nullish(),
});

/** What `helm install|upgrade|status -o json` prints, reduced to the fields Ballast reads. */
export const ReleaseJsonSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  version: z.number().int(),
  info: z.object({
    status: ReleaseStatusSchema,
    description: z.string().optional(),
    first_deployed: z.string().optional(),
    last_deployed: z.string().optional(),
  }),
  chart: z.object({
    metadata: z.object({ name: z.string(), version: z.string(), appVersion: z.string().optional() }),
  }),
  hooks: z.array(HookSchema).nullish(),
  apply_method: z.string().optional(),
});

/** A validated `helm status -o json` document. */
export type ReleaseJson = z.infer<typeof ReleaseJsonSchema>;

/** One entry of `helm history -o json`. */
export const HistoryJsonSchema = z.array(
  z.object({
    revision: z.number().int(),
    updated: z.string(),
    status: ReleaseStatusSchema,
    chart: z.string(),
    app_version: z.string().optional(),
    description: z.string().optional(),
  })
);

/** `helm get values -o json`: an object, or `null` when the revision has no user-supplied values. */
export const ValuesJsonSchema = z.record(z.string(), z.unknown()).nullable();

/** The phase and timing of one test hook's last run. */
export interface HelmTestRun {
  /** The hook object's name. */
  name: string;
  /** Kind of the hook object, e.g. `Job` or `Pod`. */
  kind?: string;
  /** `Succeeded`, `Failed`, `Running` or `Unknown`; absent when the test never ran. */
  phase?: string;
  startedAt?: string;
  completedAt?: string;
}

/** A release revision as Ballast records it (Flux's history Snapshot holds the same facts). */
export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: ReleaseStatus;
  chartName: string;
  chartVersion: string;
  appVersion?: string;
  description?: string;
  firstDeployed?: string;
  lastDeployed?: string;
  /** `ssa` or `csa`: how the objects were applied; `upgrade --server-side=auto` follows it. */
  applyMethod?: string;
  /** The chart's test hooks and their last runs. */
  tests: HelmTestRun[];
}

/** One revision of `helm history`. */
export interface HelmHistoryEntry {
  revision: number;
  status: ReleaseStatus;
  /** `<chart name>-<chart version>`, as helm prints it (the two cannot be split reliably). */
  chart: string;
  appVersion?: string;
  /** RFC 3339 time of the revision's last change. */
  updated: string;
  description?: string;
}

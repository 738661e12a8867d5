/**
 * Pure translation of the wrapper's options into Helm 4 flags. The choices, checked against
 * `helm <cmd> --help` of v4.3.1:
 * - `--wait` takes a strategy in Helm 4 and defaults to `hookOnly`; it is always passed explicitly:
 *   `hookOnly` for `wait: false`, `watcher` (kstatus) for `true`, or `legacy`.
 * - `--server-side` is a boolean on install (default true) and `true|false|auto` on upgrade and
 *   rollback (default auto, i.e. the previous release's method); passed explicitly when set.
 * - Helm 4 split `--force` into `--force-conflicts` (server-side apply only) and `--force-replace`
 *   (client-side only; helm rejects it with server-side apply), so `force` maps to whichever fits.
 * - An upgrade always says `--reset-values` or `--reuse-values`: without either, helm silently
 *   reuses the previous values when the new ones are empty.
 *
 * @module
 */
import { HelmError, type HelmAction } from './helm-errors.js';
import { POST_RENDER_PLUGIN } from './post-render.js';
import type {
  HelmApplyOptions,
  HelmInstallOptions,
  HelmRenderOptions,
  HelmRollbackOptions,
  HelmTemplateOptions,
  HelmTestFilter,
  HelmUninstallOptions,
  HelmUpgradeOptions,
  HelmWait,
} from './helm-types.js';

/** Go duration for `--timeout`, in whole milliseconds (at least 1). */
export function duration(ms: number): string {
  return `${Math.max(1, Math.round(ms))}ms`;
}

/** `--wait=<strategy>` (and `--wait-for-jobs`, which helm honours only with a real wait). */
export function waitFlags(wait: HelmWait | undefined, waitForJobs?: boolean): string[] {
  const strategy = wait === true ? 'watcher' : wait === false || wait === undefined ? 'hookOnly' : wait;
  return strategy !== 'hookOnly' && waitForJobs ? [`--wait=${strategy}`, '--wait-for-jobs'] : [`--wait=${strategy}`];
}

function flagIf(on: boolean | undefined, flag: string): string[] {
  return on ? [flag] : [];
}

function renderFlags(o: Omit<HelmRenderOptions, 'releaseName' | 'chart'>): string[] {
  return [
    '--namespace',
    o.namespace,
    ...flagIf(o.disableSchemaValidation, '--skip-schema-validation'),
    ...flagIf(o.disableHooks, '--no-hooks'),
    ...(o.postRender?.kustomizations.length ? ['--post-renderer', POST_RENDER_PLUGIN] : []),
  ];
}

function applyFlags(o: HelmApplyOptions): string[] {
  return [
    ...renderFlags(o),
    '--timeout',
    duration(o.timeoutMs),
    ...waitFlags(o.wait, o.waitForJobs),
    ...flagIf(o.disableOpenAPIValidation, '--disable-openapi-validation'),
    ...flagIf(o.takeOwnership, '--take-ownership'),
    ...(o.description !== undefined ? ['--description', o.description] : []),
    '--output',
    'json',
  ];
}

/** Flags of `helm install`. */
export function installFlags(o: HelmInstallOptions): string[] {
  return [
    ...applyFlags(o),
    ...flagIf(o.createNamespace, '--create-namespace'),
    ...flagIf(o.crds === 'Skip', '--skip-crds'),
    ...flagIf(o.replace, '--replace'),
    ...(o.serverSideApply !== undefined ? [`--server-side=${o.serverSideApply}`] : []),
  ];
}

/** `--server-side` plus the force flag that matches the apply method; `ssa` is already resolved from `auto` when forcing. */
function ssaFlags(ssa: boolean | 'auto' | undefined, force: boolean | undefined): string[] {
  const flags = ssa !== undefined ? [`--server-side=${ssa}`] : [];
  if (force) flags.push(ssa === false ? '--force-replace' : '--force-conflicts');
  return flags;
}

/** Flags of `helm upgrade`; `ssa` is the resolved `serverSideApply`. */
export function upgradeFlags(o: HelmUpgradeOptions, ssa: boolean | 'auto' | undefined): string[] {
  return [
    ...applyFlags(o),
    '--history-max',
    String(o.maxHistory),
    o.preserveValues ? '--reuse-values' : '--reset-values',
    ...flagIf(o.cleanupOnFail, '--cleanup-on-fail'),
    ...ssaFlags(ssa, o.force),
  ];
}

/** Flags of `helm rollback`; `ssa` is the resolved `serverSideApply`. */
export function rollbackFlags(o: HelmRollbackOptions, ssa: boolean | 'auto' | undefined): string[] {
  return [
    '--namespace',
    o.namespace,
    '--timeout',
    duration(o.timeoutMs),
    ...waitFlags(o.wait, o.waitForJobs),
    ...flagIf(o.cleanupOnFail, '--cleanup-on-fail'),
    ...flagIf(o.disableHooks, '--no-hooks'),
    ...(o.maxHistory !== undefined ? ['--history-max', String(o.maxHistory)] : []),
    ...(o.description !== undefined ? ['--description', o.description] : []),
    ...ssaFlags(ssa, o.force),
  ];
}

/** Flags of `helm uninstall`. */
export function uninstallFlags(o: HelmUninstallOptions): string[] {
  return [
    '--namespace',
    o.namespace,
    '--timeout',
    duration(o.timeoutMs),
    ...waitFlags(o.wait),
    ...flagIf(o.keepHistory, '--keep-history'),
    ...flagIf(o.disableHooks, '--no-hooks'),
    ...flagIf(o.ignoreNotFound, '--ignore-not-found'),
    ...(o.deletionPropagation !== undefined ? ['--cascade', o.deletionPropagation] : []),
    ...(o.description !== undefined ? ['--description', o.description] : []),
  ];
}

/** Flags of `helm template`: client-side rendering only, so it never needs the cluster. */
export function templateFlags(o: HelmTemplateOptions): string[] {
  return [
    ...renderFlags(o),
    ...flagIf(o.includeCrds, '--include-crds'),
    ...flagIf(o.skipTests, '--skip-tests'),
    ...(o.kubeVersion !== undefined ? ['--kube-version', o.kubeVersion] : []),
    ...(o.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
  ];
}

/** `--filter name=x` / `--filter !name=x` for Flux's `test.filters`. */
export function testFilterFlags(filters: readonly HelmTestFilter[] = []): string[] {
  return filters.flatMap((f) => ['--filter', `${f.exclude ? '!' : ''}name=${f.name}`]);
}

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Rejects names helm would refuse anyway, or could misread: a release name is a DNS-1123
 * subdomain of at most 53 characters, a namespace a DNS-1123 label, a revision a positive integer.
 */
export function assertTarget(
  action: HelmAction,
  o: { releaseName: string; namespace: string; revision?: number; timeoutMs?: number }
): void {
  const problem =
    !RELEASE_NAME.test(o.releaseName) || o.releaseName.length > 53
      ? `invalid release name ${JSON.stringify(o.releaseName)}: a DNS-1123 subdomain of at most 53 characters`
      : !NAMESPACE.test(o.namespace) || o.namespace.length > 63
        ? `invalid namespace ${JSON.stringify(o.namespace)}`
        : o.revision !== undefined && !(Number.isInteger(o.revision) && o.revision > 0)
          ? `invalid revision ${o.revision}`
          : o.timeoutMs !== undefined && !(o.timeoutMs > 0)
            ? `invalid timeout ${o.timeoutMs} ms`
            : undefined;
  if (problem) throw new HelmError('validation', action, `helm ${action} not run: ${problem}`);
}

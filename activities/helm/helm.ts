/**
 * A typed wrapper of the real helm v4 binary: one method per Helm action, each taking one options
 * object, for the HelmRelease activities to build on. JSON output (`-o json`) is used wherever helm
 * offers it and validated with zod; every failure is a classified {@link HelmError} whose message
 * is scrubbed of the values' strings and of credentials. See helm-args.ts for the Helm 4 flag
 * choices and helm-cli.ts for how each process is isolated.
 *
 * Not supported by the CLI, so not offered: a storage namespace other than the release namespace,
 * `crds: CreateReplace` and CRD handling on upgrade, post-renderers (Helm 4 only runs post-renderer
 * plugins; TODO: install a kustomize post-renderer plugin into the private HELM_DATA_HOME).
 *
 * @example
 * const helm = createHelm({ binary: toolPath('helm'), kubeconfigPath });
 * const rel = await helm.install({ releaseName: 'web', namespace: 'apps', chart: '/tmp/web-1.0.0.tgz',
 *   values: { replicas: 2 }, timeoutMs: 300_000, wait: true });
 * // rel.revision === 1, rel.status === 'deployed'
 *
 * @module
 */
import path from 'node:path';
import {
  assertTarget,
  installFlags,
  rollbackFlags,
  templateFlags,
  testFilterFlags,
  uninstallFlags,
  upgradeFlags,
  duration,
} from './helm-args.js';
import { READ_DEADLINE_MS, mutationDeadline, runHelm, type HelmInvocation, type HelmOutput } from './helm-cli.js';
import { HelmError, helmFailure, valueSecrets, type HelmAction } from './helm-errors.js';
import { RELEASE_TEMPLATE, parseJson, parseReleaseTemplate, toRelease } from './helm-release.js';
import {
  HistoryJsonSchema,
  ReleaseJsonSchema,
  ValuesJsonSchema,
  type HelmContext,
  type HelmGetValuesOptions,
  type HelmHistoryEntry,
  type HelmHistoryOptions,
  type HelmInstallOptions,
  type HelmRelease,
  type HelmReleaseRef,
  type HelmRollbackOptions,
  type HelmTemplateOptions,
  type HelmTestOptions,
  type HelmTestRun,
  type HelmUninstallOptions,
  type HelmUpgradeOptions,
} from './helm-types.js';

export type {
  HelmCallControl,
  HelmContext,
  HelmGetValuesOptions,
  HelmHistoryEntry,
  HelmHistoryOptions,
  HelmInstallOptions,
  HelmRelease,
  HelmReleaseRef,
  HelmRollbackOptions,
  HelmTemplateOptions,
  HelmTestFilter,
  HelmTestOptions,
  HelmTestRun,
  HelmUninstallOptions,
  HelmUpgradeOptions,
  HelmWait,
  ReleaseStatus,
} from './helm-types.js';
export { HelmError, classifyHelmMessage, type HelmAction, type HelmErrorKind } from './helm-errors.js';
export { pendingRelease } from './helm-release.js';

/** The Helm actions, bound to one cluster identity. Every method throws only {@link HelmError} (or the signal's reason). */
export interface Helm {
  /** `helm install`: the new release (revision 1, `deployed` on success). */
  install(o: HelmInstallOptions): Promise<HelmRelease>;
  /** `helm upgrade` (without `--install`): the new revision. */
  upgrade(o: HelmUpgradeOptions): Promise<HelmRelease>;
  /** `helm rollback`: the new revision that restores `o.revision` (or the previous one). */
  rollback(o: HelmRollbackOptions): Promise<HelmRelease>;
  /** `helm uninstall`: resolves once the release is uninstalled. */
  uninstall(o: HelmUninstallOptions): Promise<void>;
  /** `helm test`: the release's test hooks with their last runs; throws kind `test-failed` when one failed. */
  test(o: HelmTestOptions): Promise<{ tests: HelmTestRun[] }>;
  /** `helm template`: the rendered multi-document manifest, without contacting the cluster. */
  template(o: HelmTemplateOptions): Promise<string>;
  /** `helm show crds`: the chart's crds/ files as one multi-document YAML ('' when it has none). */
  showCrds(o: { chart: string; signal?: AbortSignal }): Promise<string>;
  /** `helm history`: revisions oldest first; empty when the release does not exist. */
  history(o: HelmHistoryOptions): Promise<HelmHistoryEntry[]>;
  /** `helm get all` (Helm 4's `status -o json` lacks the chart): the latest or given revision; undefined when absent. */
  status(o: HelmReleaseRef): Promise<HelmRelease | undefined>;
  /** `helm get manifest`: the stored manifest (hooks excluded). */
  getManifest(o: HelmReleaseRef): Promise<string>;
  /** `helm get values`: the user-supplied values, or all computed values with `all`; `{}` when none. */
  getValues(o: HelmGetValuesOptions): Promise<Record<string, unknown>>;
}

/** Builds the {@link Helm} actions for one binary, kubeconfig and identity. */
export function createHelm(ctx: HelmContext): Helm {
  /** Runs a command and throws a classified error on a non-zero exit or an expired deadline. */
  async function exec(action: HelmAction, subject: string, call: HelmInvocation): Promise<HelmOutput> {
    let out: HelmOutput;
    try {
      out = await runHelm(ctx, call);
    } catch (err) {
      // Cancellation propagates as the signal's reason; anything else (no binary, no temp space) is classified too.
      if (call.signal?.aborted) throw err;
      throw new HelmError('unknown', action, `helm ${action} of ${subject} failed: ${(err as Error).message}`);
    }
    if (out.code === 0) return out;
    const secrets = valueSecrets(call.values);
    if (out.timedOut) {
      const stderr = `${out.stderr}\nError: helm ran past its ${call.deadlineMs} ms deadline`;
      throw helmFailure(action, subject, stderr, secrets, 'timeout');
    }
    throw helmFailure(action, subject, out.stderr, secrets);
  }

  const subjectOf = (o: { releaseName: string; namespace: string }): string =>
    `release "${o.namespace}/${o.releaseName}"`;

  async function status(o: HelmReleaseRef): Promise<HelmRelease | undefined> {
    assertTarget('status', o);
    try {
      // `get all` with a template, because `status -o json` lacks the chart and the hooks (see helm-release.ts).
      const out = await exec('status', subjectOf(o), {
        command: ['get', 'all'],
        flags: ['--namespace', o.namespace, '--template', RELEASE_TEMPLATE, ...revisionFlag(o.revision)],
        positionals: [o.releaseName],
        deadlineMs: READ_DEADLINE_MS,
        signal: o.signal,
      });
      return toRelease(parseReleaseTemplate(out.stdout));
    } catch (err) {
      if (err instanceof HelmError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  /** `auto` resolved to the previous release's method, needed only to pick the right force flag. */
  async function resolvedSsa(o: {
    releaseName: string;
    namespace: string;
    force?: boolean;
    serverSideApply?: boolean | 'auto';
    signal?: AbortSignal;
  }): Promise<boolean | 'auto' | undefined> {
    if (!o.force || (o.serverSideApply !== undefined && o.serverSideApply !== 'auto')) return o.serverSideApply;
    const previous = await status({ releaseName: o.releaseName, namespace: o.namespace, signal: o.signal });
    return previous?.applyMethod === 'csa' ? false : true;
  }

  return {
    async install(o) {
      assertTarget('install', o);
      const out = await exec('install', subjectOf(o), {
        command: ['install'],
        flags: installFlags(o),
        positionals: [o.releaseName, path.resolve(o.chart)],
        values: o.values ?? {},
        deadlineMs: mutationDeadline(o.timeoutMs),
        signal: o.signal,
        postRender: o.postRender,
      });
      return toRelease(parseJson('install', out.stdout, ReleaseJsonSchema));
    },

    async upgrade(o) {
      assertTarget('upgrade', o);
      const ssa = await resolvedSsa(o);
      const out = await exec('upgrade', subjectOf(o), {
        command: ['upgrade'],
        flags: upgradeFlags(o, ssa),
        positionals: [o.releaseName, path.resolve(o.chart)],
        values: o.values ?? {},
        deadlineMs: mutationDeadline(o.timeoutMs),
        signal: o.signal,
        postRender: o.postRender,
      });
      return toRelease(parseJson('upgrade', out.stdout, ReleaseJsonSchema));
    },

    async rollback(o) {
      assertTarget('rollback', o);
      const ssa = await resolvedSsa(o);
      await exec('rollback', subjectOf(o), {
        command: ['rollback'],
        flags: rollbackFlags(o, ssa),
        positionals: [o.releaseName, ...(o.revision !== undefined ? [String(o.revision)] : [])],
        deadlineMs: mutationDeadline(o.timeoutMs),
        signal: o.signal,
      });
      // `helm rollback` has no JSON output; the new revision is the latest one.
      const release = await status({ releaseName: o.releaseName, namespace: o.namespace, signal: o.signal });
      if (!release) throw new HelmError('not-found', 'rollback', `${subjectOf(o)} vanished after its rollback`);
      return release;
    },

    async uninstall(o) {
      assertTarget('uninstall', o);
      await exec('uninstall', subjectOf(o), {
        command: ['uninstall'],
        flags: uninstallFlags(o),
        positionals: [o.releaseName],
        deadlineMs: mutationDeadline(o.timeoutMs),
        signal: o.signal,
      });
    },

    async test(o) {
      assertTarget('test', o);
      try {
        await exec('test', subjectOf(o), {
          command: ['test'],
          flags: ['--namespace', o.namespace, '--timeout', duration(o.timeoutMs), ...testFilterFlags(o.filters)],
          positionals: [o.releaseName],
          deadlineMs: mutationDeadline(o.timeoutMs),
          signal: o.signal,
        });
      } catch (err) {
        throw await testFailure(err, o);
      }
      return { tests: (await status(o))?.tests ?? [] };
    },

    async template(o) {
      assertTarget('template', o);
      const out = await exec('template', subjectOf(o), {
        command: ['template'],
        flags: templateFlags(o),
        positionals: [o.releaseName, path.resolve(o.chart)],
        values: o.values ?? {},
        deadlineMs: o.timeoutMs ?? READ_DEADLINE_MS,
        signal: o.signal,
        postRender: o.postRender,
      });
      return out.stdout;
    },

    async showCrds(o) {
      const out = await exec('template', `chart ${path.basename(o.chart)}`, {
        command: ['show', 'crds'],
        flags: [],
        positionals: [path.resolve(o.chart)],
        deadlineMs: READ_DEADLINE_MS,
        signal: o.signal,
      });
      return out.stdout;
    },

    async history(o) {
      assertTarget('history', o);
      try {
        const out = await exec('history', subjectOf(o), {
          command: ['history'],
          flags: [
            '--namespace',
            o.namespace,
            '--output',
            'json',
            ...(o.max !== undefined ? ['--max', String(o.max)] : []),
          ],
          positionals: [o.releaseName],
          deadlineMs: READ_DEADLINE_MS,
          signal: o.signal,
        });
        return parseJson('history', out.stdout, HistoryJsonSchema).map(({ app_version, ...e }) => ({
          ...e,
          ...(app_version !== undefined ? { appVersion: app_version } : {}),
        }));
      } catch (err) {
        if (err instanceof HelmError && err.kind === 'not-found') return [];
        throw err;
      }
    },

    status,

    async getManifest(o) {
      assertTarget('get-manifest', o);
      const out = await exec('get-manifest', subjectOf(o), {
        command: ['get', 'manifest'],
        flags: ['--namespace', o.namespace, ...revisionFlag(o.revision)],
        positionals: [o.releaseName],
        deadlineMs: READ_DEADLINE_MS,
        signal: o.signal,
      });
      return out.stdout;
    },

    async getValues(o) {
      assertTarget('get-values', o);
      const out = await exec('get-values', subjectOf(o), {
        command: ['get', 'values'],
        flags: [
          '--namespace',
          o.namespace,
          '--output',
          'json',
          ...revisionFlag(o.revision),
          ...(o.all ? ['--all'] : []),
        ],
        positionals: [o.releaseName],
        deadlineMs: READ_DEADLINE_MS,
        signal: o.signal,
      });
      return parseJson('get-values', out.stdout, ValuesJsonSchema) ?? {};
    },
  };

  /**
   * A failed `helm test` whose message says nothing specific is re-read from the release: a test
   * hook whose last run is `Failed` makes it `test-failed`, which the caller reports as TestFailed.
   */
  async function testFailure(err: unknown, o: HelmTestOptions): Promise<unknown> {
    if (!(err instanceof HelmError) || err.kind !== 'unknown') return err;
    const failed = (await status(o).catch(() => undefined))?.tests.filter((t) => t.phase === 'Failed') ?? [];
    if (failed.length === 0) return err;
    const names = failed.map((t) => t.name).join(', ');
    return new HelmError('test-failed', 'test', `${err.message} (failed test hooks: ${names})`);
  }
}

function revisionFlag(revision: number | undefined): string[] {
  return revision !== undefined ? ['--revision', String(revision)] : [];
}

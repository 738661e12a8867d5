import { ApplicationFailure, Context } from '@temporalio/activity';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { releaseNameFor, targetNamespaceFor } from '../../api/helm-release-name.js';
import type { HelmRelease } from '../../api/helmrelease.js';
import { parseDuration } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import { HelmError, type Helm, type HelmRelease as StoredHelmRelease } from '../helm/helm.js';
import { markPendingReleaseFailed, readLatestRelease } from '../helm/release-storage.js';
import { clientsFor } from '../kube/impersonation.js';
import type { ArtifactStore } from '../source/artifact-store.js';
import { sha256File } from '../source/digest.js';
import { applyCrds, crdObjects, type CrdPolicy } from './crds.js';
import { correctDrift, detectDrift, manifestObjects } from './drift.js';
import {
  configDigestOf,
  describeConfig,
  helmFor,
  mustReadHelmRelease,
  postRenderPlanOf,
  resolveValues,
  type HelmReleaseDeps,
} from './release-spec.js';
import type { ActionResult, HelmReleaseRef, ObservedRelease, ReleaseSnapshot, ReleaseStepInput } from './types.js';

/** Flux's defaults: install creates missing CRDs, upgrade leaves them alone; `skipCRDs` is the old spelling of Skip. */
function crdPolicyOf(hr: HelmRelease, action: 'install' | 'upgrade'): CrdPolicy {
  const o = action === 'install' ? hr.spec.install : hr.spec.upgrade;
  if (o?.crds) return o.crds;
  if (o && 'skipCRDs' in o && o.skipCRDs) return 'Skip';
  return action === 'install' ? 'Create' : 'Skip';
}

export interface HelmActionDeps extends HelmReleaseDeps {
  store: ArtifactStore;
}

/** Activities that run one Helm action each. */
export interface HelmActionActivities {
  /** The latest release in Helm storage (undefined when none) and the digest of the values now. Writes nothing. */
  observeRelease(input: {
    ref: HelmReleaseRef;
    generation: number;
  }): Promise<{ release?: ObservedRelease; configDigest: string; drifted?: string[] }>;
  /** Re-applies the deployed release's manifest over hand edits (driftDetection.mode enabled). */
  helmCorrectDrift(input: { ref: HelmReleaseRef }): Promise<ActionResult>;
  /** `helm install` with spec.install; `ok: false` when the release failed (counted and remediated by the workflow). */
  helmInstall(input: ReleaseStepInput): Promise<ActionResult>;
  /** `helm upgrade` with spec.upgrade. */
  helmUpgrade(input: ReleaseStepInput): Promise<ActionResult>;
  /** `helm test` with spec.test. */
  helmTest(input: ReleaseStepInput): Promise<ActionResult>;
  /** `helm rollback` to `toRevision` with spec.rollback. */
  helmRollback(input: ReleaseStepInput & { toRevision: number }): Promise<ActionResult>;
  /** `helm uninstall` with spec.uninstall (remediation or deletion). */
  helmUninstall(input: { ref: HelmReleaseRef }): Promise<ActionResult>;
  /**
   * Recovers a release stuck in pending-* (a helm process died mid-operation): a pending install
   * is uninstalled, a pending upgrade or rollback is marked failed in helm's storage (as Flux does).
   */
  helmUnlock(input: { ref: HelmReleaseRef }): Promise<ActionResult>;
}

const ms = (d: string | undefined, fallback: number): number => (d ? parseDuration(d) : fallback);

function observed(r: StoredHelmRelease): ObservedRelease {
  return {
    revision: r.revision,
    status: r.status,
    chartName: r.chartName,
    chartVersion: r.chartVersion,
    configDigest: configDigestOf(r.description),
  };
}

/** The status.history snapshot of a release; the digest identifies name, revision and chart so a foreign change is noticed. */
function snapshotOf(r: StoredHelmRelease, configDigest: string, action: string): ReleaseSnapshot {
  const now = new Date().toISOString();
  const digest = `sha256:${createHash('sha256').update(`${r.namespace}/${r.name}/${r.revision}/${r.chartName}-${r.chartVersion}/${configDigest}`).digest('hex')}`;
  return {
    digest,
    name: r.name,
    namespace: r.namespace,
    version: r.revision,
    status: r.status,
    action,
    chartName: r.chartName,
    chartVersion: r.chartVersion,
    ...(r.appVersion ? { appVersion: r.appVersion } : {}),
    configDigest,
    firstDeployed: r.firstDeployed ?? now,
    lastDeployed: r.lastDeployed ?? now,
  };
}

/**
 * True when this is a retried attempt and helm refuses it because the release is locked.
 *
 * Why that lock is our own: the workflow only starts an action on a release it observed unlocked,
 * so a `pending-*` revision met on attempt 2+ was left by this activity's earlier attempt, whose
 * helm died before recording the outcome (worker SIGKILLed, helm itself killed or OOM). Nothing
 * else will ever release it, and counting it as a release failure would exhaust the retries.
 */
function lockedByOwnLostAttempt(err: unknown): boolean {
  return err instanceof HelmError && err.kind === 'locked' && Context.current().info.attempt > 1;
}

/**
 * Runs `fn` with heartbeats and turns Helm's permanent failures into `ok: false` results carrying
 * its message; transient ones (cluster unreachable) are thrown for the retry policy. A lock left
 * by this activity's own lost attempt is released with `unlock` and the action run once more.
 */
async function guarded(
  latest: () => Promise<StoredHelmRelease | undefined>,
  hr: HelmRelease,
  action: string,
  digest: string,
  fn: (signal: AbortSignal) => Promise<unknown>,
  unlock?: () => Promise<ActionResult>
): Promise<ActionResult> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(action), 2000);
  const run = async (): Promise<void> => {
    try {
      await fn(ctx.cancellationSignal);
    } catch (err) {
      if (!unlock || !lockedByOwnLostAttempt(err)) throw err;
      const { message } = await unlock();
      ctx.log.warn(`${action}: an earlier attempt left the release locked; ${message}; running ${action} again`);
      await fn(ctx.cancellationSignal);
    }
  };
  try {
    await run();
    const after = await latest();
    return {
      ok: after?.status === 'deployed',
      message: `${action} succeeded`,
      ...(after ? { snapshot: snapshotOf(after, configDigestOf(after.description) ?? digest, action) } : {}),
    };
  } catch (err) {
    if (!(err instanceof HelmError)) throw err;
    // A wait that timed out (or any failure) that left a failed revision is a release failure to
    // count and remediate; a transient error that changed nothing (cluster unreachable) is retried.
    const after = await latest().catch(() => undefined);
    if (!err.permanent && after?.status !== 'failed') throw err;
    return {
      ok: false,
      message: err.message,
      ...(after ? { snapshot: snapshotOf(after, configDigestOf(after.description) ?? digest, action) } : {}),
    };
  } finally {
    clearInterval(beat);
  }
}

/** Copies the chart artifact (a packaged .tgz) to a private directory, checking its digest; the caller removes the directory. */
async function chartFile(store: ArtifactStore, input: ReleaseStepInput): Promise<{ dir: string; chart: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ballast-chart-'));
  const chart = path.join(dir, 'chart.tgz');
  await pipeline(await store.open(input.artifact.path), createWriteStream(chart, { mode: 0o600 }));
  const { digest } = await sha256File(chart);
  if (digest !== input.artifact.digest) {
    await rm(dir, { recursive: true, force: true });
    throw ApplicationFailure.nonRetryable(
      `chart artifact ${input.artifact.path}: digest ${digest}, expected ${input.artifact.digest}`,
      Reason.ArtifactFailed
    );
  }
  return { dir, chart };
}

export function createHelmActionActivities(deps: HelmActionDeps): HelmActionActivities {
  const tenantOf = (hr: HelmRelease): ReturnType<typeof clientsFor> =>
    clientsFor(deps.kube, hr.metadata.namespace ?? 'default', hr.spec.serviceAccountName);
  /**
   * The latest release, read from helm's storage as the tenant: what `helm status` returns, without
   * a helm process (three of the four per reconcile were status reads).
   */
  const latestOf = (hr: HelmRelease) => (): Promise<StoredHelmRelease | undefined> =>
    readLatestRelease(tenantOf(hr).core, { releaseName: releaseNameFor(hr), namespace: targetNamespaceFor(hr) });
  async function withRelease<T>(
    input: { ref: HelmReleaseRef },
    fn: (hr: HelmRelease, helm: Helm) => Promise<T>
  ): Promise<T> {
    const hr = await mustReadHelmRelease(deps.kube, input.ref);
    return fn(hr, await helmFor(deps, hr));
  }

  /**
   * Recovers a release stuck in pending-*: a pending install is uninstalled; a pending upgrade or
   * rollback is marked failed in helm's storage, as helm-controller does, so the next upgrade
   * proceeds and the history keeps no pending-* revision (see activities/helm/release-storage.ts).
   */
  async function unlockRelease(hr: HelmRelease, helm: Helm): Promise<ActionResult> {
    const ref = { releaseName: releaseNameFor(hr), namespace: targetNamespaceFor(hr) };
    const release = await latestOf(hr)();
    if (!release?.status.startsWith('pending-')) return { ok: true, message: 'release not locked' };
    if (release.status === 'pending-install' || release.revision <= 1) {
      await helm.uninstall({ ...ref, timeoutMs: ms(hr.spec.timeout, 300_000), ignoreNotFound: true });
      return { ok: true, message: `uninstalled release stuck in ${release.status}` };
    }
    const was = await markPendingReleaseFailed(
      tenantOf(hr).core,
      { ...ref, revision: release.revision },
      `Release marked failed by Ballast: the helm process holding it (${release.status}) died`
    );
    return { ok: true, message: `marked revision ${release.revision} failed (was ${was ?? 'gone'})` };
  }

  async function apply(input: ReleaseStepInput, action: 'install' | 'upgrade'): Promise<ActionResult> {
    return withRelease(input, async (hr, helm) => {
      const { values, digest } = await resolveValues(deps.kube, hr);
      const { dir, chart } = await chartFile(deps.store, input);
      // Helm only creates crds/ on install; Flux's Create/CreateReplace policies are applied here.
      const policy = crdPolicyOf(hr, action);
      if (policy === 'CreateReplace' || (action === 'upgrade' && policy === 'Create'))
        await applyCrds(tenantOf(hr), crdObjects(await helm.showCrds({ chart })), policy, deps.fieldManager);
      // The options install and upgrade share; each adds its own below.
      const o = (action === 'install' ? hr.spec.install : hr.spec.upgrade) ?? {};
      const shared = {
        releaseName: releaseNameFor(hr),
        namespace: targetNamespaceFor(hr),
        chart,
        values,
        description: describeConfig(digest),
        postRender: postRenderPlanOf(deps, hr),
        timeoutMs: ms(o.timeout ?? hr.spec.timeout, 300_000),
        wait: !o.disableWait,
        waitForJobs: !o.disableWaitForJobs,
        disableHooks: o.disableHooks,
        disableOpenAPIValidation: o.disableOpenAPIValidation,
        disableSchemaValidation: o.disableSchemaValidation,
        takeOwnership: !o.disableTakeOwnership,
      };
      const run = (signal: AbortSignal): Promise<unknown> => {
        if (action === 'install') {
          const i = hr.spec.install ?? {};
          const crds = policy === 'Create' ? 'Create' : 'Skip';
          return helm.install({ ...shared, signal, createNamespace: i.createNamespace, replace: i.replace, crds });
        }
        const u = hr.spec.upgrade ?? {};
        return helm.upgrade({
          ...shared,
          signal,
          maxHistory: hr.spec.maxHistory ?? 5,
          force: u.force,
          cleanupOnFail: u.cleanupOnFail,
          preserveValues: u.preserveValues,
        });
      };
      try {
        return await guarded(latestOf(hr), hr, action, digest, run, () => unlockRelease(hr, helm));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  return {
    async observeRelease(input) {
      return withRelease(input, async (hr, helm) => {
        const { digest } = await resolveValues(deps.kube, hr);
        const ref = { releaseName: releaseNameFor(hr), namespace: targetNamespaceFor(hr) };
        const release = await latestOf(hr)();
        const mode = hr.spec.driftDetection?.mode ?? 'disabled';
        // Drift is only meaningful for a deployed release; its manifest and the diff stay in this activity.
        const drifted =
          mode !== 'disabled' && release?.status === 'deployed'
            ? await detectDrift(
                tenantOf(hr),
                manifestObjects(await helm.getManifest(ref), ref.namespace),
                hr.spec.driftDetection?.ignore
              )
            : undefined;
        return {
          configDigest: digest,
          ...(release ? { release: observed(release) } : {}),
          ...(drifted ? { drifted } : {}),
        };
      });
    },
    async helmCorrectDrift(input) {
      return withRelease(input, async (hr, helm) => {
        const ref = { releaseName: releaseNameFor(hr), namespace: targetNamespaceFor(hr) };
        const objects = manifestObjects(await helm.getManifest(ref), ref.namespace);
        await correctDrift(tenantOf(hr), objects, hr.spec.driftDetection?.ignore);
        return { ok: true, message: `corrected drift of ${objects.length} objects` };
      });
    },
    helmInstall: (input) => apply(input, 'install'),
    helmUpgrade: (input) => apply(input, 'upgrade'),
    async helmTest(input) {
      return withRelease(input, async (hr, helm) => {
        const ref = { releaseName: releaseNameFor(hr), namespace: targetNamespaceFor(hr) };
        return guarded(latestOf(hr), hr, 'test', input.configDigest, (signal) =>
          helm.test({
            ...ref,
            signal,
            timeoutMs: ms(hr.spec.test?.timeout ?? hr.spec.timeout, 300_000),
            filters: hr.spec.test?.filters,
          })
        );
      });
    },
    async helmRollback(input) {
      return withRelease(input, async (hr, helm) => {
        const o = hr.spec.rollback ?? {};
        const ref = { releaseName: releaseNameFor(hr), namespace: targetNamespaceFor(hr) };
        return guarded(
          latestOf(hr),
          hr,
          'rollback',
          input.configDigest,
          (signal) =>
            helm.rollback({
              ...ref,
              signal,
              revision: input.toRevision,
              timeoutMs: ms(o.timeout ?? hr.spec.timeout, 300_000),
              wait: !o.disableWait,
              waitForJobs: !o.disableWaitForJobs,
              disableHooks: o.disableHooks,
              force: o.force,
              cleanupOnFail: o.cleanupOnFail,
              maxHistory: hr.spec.maxHistory ?? 5,
            }),
          () => unlockRelease(hr, helm)
        );
      });
    },
    async helmUninstall(input) {
      return withRelease(input, async (hr, helm) => {
        const o: Partial<NonNullable<HelmRelease['spec']['uninstall']>> = hr.spec.uninstall ?? {};
        const ref = { releaseName: releaseNameFor(hr), namespace: targetNamespaceFor(hr) };
        try {
          await helm.uninstall({
            ...ref,
            timeoutMs: ms(o.timeout ?? hr.spec.timeout, 300_000),
            keepHistory: o.keepHistory,
            wait: !o.disableWait,
            disableHooks: o.disableHooks,
            deletionPropagation: o.deletionPropagation,
            ignoreNotFound: true,
          });
          return { ok: true, message: 'uninstalled' };
        } catch (err) {
          if (err instanceof HelmError && err.permanent) return { ok: false, message: err.message };
          throw err;
        }
      });
    },
    async helmUnlock(input) {
      return withRelease(input, unlockRelease).catch((err: unknown) => {
        if (err instanceof HelmError && err.permanent)
          throw ApplicationFailure.nonRetryable(err.message, Reason.Failed);
        throw err;
      });
    },
  };
}

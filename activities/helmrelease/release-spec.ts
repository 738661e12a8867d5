/**
 * Reading a HelmRelease for the activities: the object itself, its composed values, its chart
 * artifact, and a helm client for it. Values and Secret data stay inside the calling activity.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HelmReleaseSchema, type HelmRelease } from '../../api/helmrelease.js';
import { formatIssues } from '../../api/meta.js';
import { Reason } from '../../api/reasons.js';
import { createHelm, type Helm } from '../helm/helm.js';
import { kustomizationFor, type PostRenderPlan } from '../helm/post-render.js';
import { composeValues, valuesDigest, ValuesError, type ComposedValues, type ValuesSource } from '../helm/values.js';
import type { KubeClients } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { tenantUser } from '../kube/impersonation.js';
import { readSecretStrings } from '../kube/secrets.js';
import { readFluxObject } from '../kube/flux-objects.js';
import { fluxObjectRef } from '../source/read.js';
import type { HelmReleaseRef } from './types.js';
import { processScratchDir } from '../process-scratch.js';

export interface HelmReleaseDeps {
  kube: KubeClients;
  helmBinary: string;
  /** Runs `spec.postRenderers`. */
  kustomizeBinary?: string;
  fieldManager: string;
}

/** Reads and parses a HelmRelease; `error` explains an invalid spec. */
export async function readHelmRelease(
  kube: KubeClients,
  ref: HelmReleaseRef
): Promise<{ raw: HelmRelease; parsed?: HelmRelease; error?: string } | undefined> {
  const raw = await readFluxObject<HelmRelease>(kube.custom, fluxObjectRef({ kind: 'HelmRelease', ...ref }));
  if (!raw) return undefined;
  const parsed = HelmReleaseSchema.safeParse(raw);
  return parsed.success
    ? { raw, parsed: parsed.data }
    : { raw, error: formatIssues(parsed.error).replace(/\n/g, '; ') };
}

/** The parsed HelmRelease, or a non-retryable failure when it is gone or invalid. */
export async function mustReadHelmRelease(kube: KubeClients, ref: HelmReleaseRef): Promise<HelmRelease> {
  const read = await readHelmRelease(kube, ref);
  if (!read?.parsed)
    throw ApplicationFailure.nonRetryable(
      read?.error ?? `HelmRelease ${ref.namespace}/${ref.name} not found`,
      Reason.Failed
    );
  return read.parsed;
}

async function readSource(
  kube: KubeClients,
  namespace: string,
  ref: HelmRelease['spec']['valuesFrom'] extends (infer T)[] | undefined ? T : never
): Promise<ValuesSource> {
  const base = {
    kind: ref.kind,
    name: ref.name,
    valuesKey: ref.valuesKey ?? 'values.yaml',
    targetPath: ref.targetPath,
    literal: ref.literal,
    optional: ref.optional ?? false,
  };
  try {
    if (ref.kind === 'ConfigMap') {
      const cm = await kube.core.readNamespacedConfigMap({ namespace, name: ref.name });
      return { ...base, found: true, data: cm.data?.[base.valuesKey] };
    }
    const secret = await readSecretStrings(kube, namespace, ref.name);
    return secret ? { ...base, found: true, data: secret[base.valuesKey] } : { ...base, found: false, data: undefined };
  } catch (err) {
    if (isNotFound(err)) return { ...base, found: false, data: undefined };
    throw err;
  }
}

/** Composes `valuesFrom` (in order) and inline `values`; a ValuesError becomes a non-retryable ValuesError failure. */
export async function resolveValues(kube: KubeClients, hr: HelmRelease): Promise<ComposedValues> {
  const namespace = hr.metadata.namespace ?? 'default';
  const sources = await Promise.all((hr.spec.valuesFrom ?? []).map((ref) => readSource(kube, namespace, ref)));
  try {
    const composed = composeValues(sources, hr.spec.values);
    // The post-renderers shape the release as much as the values do: a change to them must upgrade.
    const post = hr.spec.postRenderers;
    return post?.length
      ? { ...composed, digest: valuesDigest({ values: composed.digest, postRenderers: post }) }
      : composed;
  } catch (err) {
    if (err instanceof ValuesError) throw ApplicationFailure.nonRetryable(err.message, Reason.ValuesError);
    throw err;
  }
}

let kubeconfigFile: Promise<string> | undefined;

/**
 * A helm client on the worker's own cluster credentials. helm takes a kubeconfig file, so the
 * worker's (possibly in-cluster) configuration is exported once to a private 0600 file.
 */
export async function helmFor(deps: HelmReleaseDeps, hr: HelmRelease): Promise<Helm> {
  kubeconfigFile ??= (async () => {
    const dir = await processScratchDir('ballast-helm-kube-');
    const file = path.join(dir, 'kubeconfig');
    await writeFile(file, deps.kube.config.exportConfig(), { mode: 0o600 });
    return file;
  })();
  const user = tenantUser(deps.kube, hr.metadata.namespace ?? 'default', hr.spec.serviceAccountName);
  return createHelm({
    binary: deps.helmBinary,
    kubeconfigPath: await kubeconfigFile,
    ...(user ? { impersonate: { user } } : {}),
  });
}

/** The description stored with every release Ballast makes; it carries the config digest for the next decision. */
export const describeConfig = (digest: string): string => `ballast config=${digest}`;

/** Reads the config digest back from a release description; undefined for releases made elsewhere. */
export function configDigestOf(description: string | undefined): string | undefined {
  return /ballast config=(\S+)/.exec(description ?? '')?.[1];
}

/** The kustomize passes of `spec.postRenderers`, or undefined when there are none. */
export function postRenderPlanOf(deps: HelmReleaseDeps, hr: HelmRelease): PostRenderPlan | undefined {
  const passes = (hr.spec.postRenderers ?? []).flatMap((p) => (p.kustomize ? [kustomizationFor(p.kustomize)] : []));
  return passes.length ? { kustomizeBinary: deps.kustomizeBinary ?? 'kustomize', kustomizations: passes } : undefined;
}

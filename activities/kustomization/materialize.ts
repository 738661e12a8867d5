import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KustomizationSchema, type Kustomization, type KustomizationSpec } from '../../api/kustomization.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject } from '../kube/flux-objects.js';
import { buildManifests, type BuiltManifests } from '../kustomize/build.js';
import { resolveSubstitutions } from '../kustomize/substitute-from.js';
import { resolveDecryptor } from '../kustomize/sops-keys.js';
import { layOutBuildView } from './build-view.js';
import type { ArtifactCheckouts } from './checkouts.js';
import { kustomizationRef } from './load.js';
import type { StepInput } from './types.js';

export type { ArtifactReader } from './checkouts.js';

export interface MaterializeDeps {
  kube: KubeClients;
  /** Artifacts extracted once per worker and shared by the builds that use them. */
  checkouts: ArtifactCheckouts;
  kustomizeBinary: string;
  /** Refuse remote bases (multi-tenancy lockdown). */
  noRemoteBases?: boolean;
  /** The sops binary for `spec.decryption`; a bare name is looked up on PATH. Defaults to `sops`. */
  sopsBinary?: string;
  builds: BuildCache;
}

/** A build whose inputs changed under it (the object was edited or deleted); the next reconcile picks it up. */
export class StaleBuildError extends Error {}

/**
 * A build with the spec it was built from. The build key includes the generation, and a
 * generation's spec never changes, so the steps after `build` take the spec from here instead of
 * reading the object again (as Flux works from the object it read at the start of a reconcile).
 */
export type Materialized = BuiltManifests & { spec: KustomizationSpec };

/**
 * Built manifests by build key, held in worker memory only. Steps after `build` run as separate
 * activities, possibly on another worker: a miss there rebuilds from the same inputs, so manifests
 * (and substituted Secret values) never travel through Temporal. Bounded by size, not count: with
 * more Kustomizations in flight than a count allowed (64 once), apply and prune found their build
 * evicted and rebuilt it, up to three builds per reconcile.
 */
export class BuildCache {
  private readonly entries = new Map<string, Materialized>();
  private bytes = 0;
  /** `maxBytes`: the YAML size of all cached builds together; default 32 MiB. */
  constructor(private readonly maxBytes = 32 * 2 ** 20) {}

  get(key: string): Materialized | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Materialized): void {
    this.remove(key);
    this.entries.set(key, value);
    this.bytes += value.bytes;
    // The newest entry stays even when it alone is over the budget: its apply is about to use it.
    while (this.bytes > this.maxBytes && this.entries.size > 1) this.remove(this.entries.keys().next().value as string);
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.bytes;
  }
}

export const buildKey = (input: StepInput): string =>
  `${input.ref.namespace}/${input.ref.name}/${input.generation}/${input.artifact.digest}`;

/** Owner labels stamped on every applied object, as Flux sets them. */
export const ownerLabels = (ref: { namespace: string; name: string }): Record<string, string> => ({
  'kustomize.toolkit.fluxcd.io/name': ref.name,
  'kustomize.toolkit.fluxcd.io/namespace': ref.namespace,
});

/** Reads the Kustomization at the generation the workflow planned with. */
export async function readSpec(kube: KubeClients, input: StepInput): Promise<Kustomization> {
  const raw = await readFluxObject<Kustomization>(kube.custom, kustomizationRef(input.ref));
  if (!raw) throw new StaleBuildError(`Kustomization ${input.ref.namespace}/${input.ref.name} no longer exists`);
  if (raw.metadata.generation !== input.generation) {
    throw new StaleBuildError(
      `Kustomization changed (generation ${raw.metadata.generation}, planned ${input.generation})`
    );
  }
  return KustomizationSchema.parse(raw);
}

/** Builds fresh from the cluster state and the artifact, and caches the result. */
export async function buildFresh(deps: MaterializeDeps, input: StepInput, timeoutMs: number): Promise<Materialized> {
  const ks = await readSpec(deps.kube, input);
  const checkout = await deps.checkouts.acquire(input.artifact.path, input.artifact.digest);
  const dir = await mkdtemp(path.join(tmpdir(), 'ballast-build-'));
  try {
    await layOutBuildView(checkout.dir, ks.spec.path, dir);
    const vars = await resolveSubstitutions(deps.kube, input.ref.namespace, ks.spec);
    const decrypt = await resolveDecryptor(deps.kube, input.ref.namespace, ks.spec, {
      sopsBinary: deps.sopsBinary ?? 'sops',
      timeoutMs,
    });
    const built = await buildManifests(
      { spec: ks.spec, artifactDir: dir, ownerLabels: ownerLabels(input.ref), vars, decrypt },
      { kustomizeBinary: deps.kustomizeBinary, timeoutMs, noRemoteBases: deps.noRemoteBases }
    );
    const materialized = { ...built, spec: ks.spec };
    deps.builds.set(buildKey(input), materialized);
    return materialized;
  } finally {
    checkout.release();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The cached build for these inputs, rebuilt when this worker has not built it. */
export async function materialize(deps: MaterializeDeps, input: StepInput): Promise<Materialized> {
  return deps.builds.get(buildKey(input)) ?? (await buildFresh(deps, input, 120_000));
}

/**
 * The `install.crds` / `upgrade.crds` policies Helm itself lacks: Helm installs a chart's crds/
 * only on first install and never updates them. `Create` creates the CRDs that are missing;
 * `CreateReplace` also brings existing ones up to date (server-side apply, forcing ownership), as
 * helm-controller does, before the helm command runs with `--skip-crds`.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { readLive, serverSideApply, type KubeClients } from '../kube/client.js';

export type CrdPolicy = 'Skip' | 'Create' | 'CreateReplace';

/** The CustomResourceDefinitions in `helm show crds` output. */
export function crdObjects(manifest: string): KubernetesObject[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o?.kind === 'CustomResourceDefinition');
}

/** Applies `crds` per `policy`; returns the names it created or replaced. */
export async function applyCrds(
  kube: KubeClients,
  crds: KubernetesObject[],
  policy: CrdPolicy,
  fieldManager: string
): Promise<string[]> {
  if (policy === 'Skip') return [];
  const changed: string[] = [];
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    if (policy === 'Create' && (await exists(kube, crd))) continue;
    await serverSideApply(kube.objects, crd, { fieldManager, force: true });
    changed.push(name);
  }
  return changed;
}

async function exists(kube: KubeClients, crd: KubernetesObject): Promise<boolean> {
  return (await readLive(kube, { ...crd, apiVersion: crd.apiVersion ?? 'apiextensions.k8s.io/v1' })) !== undefined;
}

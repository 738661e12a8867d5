/**
 * Installs (or updates) Ballast's CRDs — the Flux kinds it serves — with server-side apply, and
 * waits until the apiserver serves them. `npm run install-crds` uses $KUBECONFIG.
 */
import {
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const CRD_DIR = path.resolve(import.meta.dirname, '..', 'config', 'crd', 'bases');

async function listable(api: KubernetesObjectApi, crd: V1CustomResourceDefinition): Promise<boolean> {
  const version = crd.spec.versions.find((v) => v.storage)?.name ?? 'v1';
  try {
    await api.list(
      `${crd.spec.group}/${version}`,
      crd.spec.names.kind,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      1
    );
    return true;
  } catch {
    return false;
  }
}

/** Applies every CRD under config/crd/bases and waits for Established=True. Returns their names. */
export async function installCrds(kc: KubeConfig, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const names: string[] = [];
  for (const file of (await readdir(CRD_DIR)).filter((f) => f.endsWith('.yaml')).sort()) {
    // loadAllYaml maps `default`/`enum` onto client-node's model fields; a plain YAML parse would drop them.
    for (const crd of loadAllYaml(await readFile(path.join(CRD_DIR, file), 'utf8')) as KubernetesObject[]) {
      await api.patch(crd, undefined, undefined, 'ballast', true, PatchStrategy.ServerSideApply);
      names.push(crd.metadata?.name ?? '');
    }
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (const name of names) {
    for (;;) {
      const crd = await api.read<V1CustomResourceDefinition>({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name },
      });
      const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      // Established precedes the storage being ready; a list succeeding means watches will too.
      if (established && (await listable(api, crd))) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not established`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return names;
}

/**
 * Swaps the cluster's CRDs between Ballast's and Flux's own for the benchmark's Flux phase. Both
 * define the same kinds, so Flux's controllers run against the schemas they ship with (from the
 * downloaded module of each controller, config/crd/bases), then Ballast's are put back. The swap
 * replaces each CRD whole (PUT), so no field of the other's schema survives it.
 */
import {
  KubernetesObjectApi,
  loadAllYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { installCrds } from '../client/install-crds.js';
import { TOOLS, type ToolName } from '../tools/toolchain/tools.js';
import { moduleDir } from '../tools/toolchain/paths.js';
import type { FluxControllerName } from './flux-processes.js';

const run = promisify(execFile);
const BALLAST_CRD_DIR = path.resolve(import.meta.dirname, '..', 'config', 'crd', 'bases');
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };

/** Flux's CRDs of every controller in `names`, read from their Go modules (downloaded when missing). */
export async function fluxCrds(names: FluxControllerName[]): Promise<V1CustomResourceDefinition[]> {
  const out: V1CustomResourceDefinition[] = [];
  for (const name of names) {
    const recipe = TOOLS[`flux-${name}` as ToolName];
    const { stdout } = await run('go', ['mod', 'download', '-json', `${recipe.pkg}@${recipe.version}`], {
      cwd: moduleDir(recipe),
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    });
    const dir = path.join((JSON.parse(stdout) as { Dir: string }).Dir, 'config', 'crd', 'bases');
    out.push(...(await crdsIn(dir)));
  }
  return out;
}

/** Replaces Ballast's CRDs by `crds` (creating those Ballast lacks); returns the names it created. */
export async function useFluxCrds(kc: KubeConfig, crds: V1CustomResourceDefinition[]): Promise<string[]> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const created: string[] = [];
  for (const crd of crds) if (await putCrd(api, crd)) created.push(crd.metadata?.name ?? '');
  await waitEstablished(api, crds);
  return created;
}

/** Puts Ballast's CRDs back and deletes the Flux-only ones `created` (no objects of them remain). */
export async function restoreBallastCrds(kc: KubeConfig, created: string[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const crd of await crdsIn(BALLAST_CRD_DIR)) await putCrd(api, crd);
  for (const name of created) await api.delete({ ...CRD, metadata: { name } }).catch(() => undefined);
  await installCrds(kc);
}

async function crdsIn(dir: string): Promise<V1CustomResourceDefinition[]> {
  const out: V1CustomResourceDefinition[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort())
    // loadAllYaml maps `default`/`enum` onto client-node's model fields; a plain YAML parse would drop them.
    out.push(...(loadAllYaml(await readFile(path.join(dir, file), 'utf8')) as V1CustomResourceDefinition[]));
  return out;
}

/** Replaces the CRD named like `crd` by `crd`, or creates it; true when it was created. */
async function putCrd(api: KubernetesObjectApi, crd: V1CustomResourceDefinition): Promise<boolean> {
  const current = await api
    .read<V1CustomResourceDefinition>({ ...CRD, metadata: { name: crd.metadata?.name ?? '' } })
    .then(
      (c) => c,
      () => undefined
    );
  const body = { ...crd, metadata: { ...crd.metadata, resourceVersion: current?.metadata?.resourceVersion } };
  if (current) await api.replace(body);
  else await api.create(body);
  return current === undefined;
}

async function waitEstablished(api: KubernetesObjectApi, crds: V1CustomResourceDefinition[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const { metadata } of crds) {
    for (;;) {
      const crd = await api.read<V1CustomResourceDefinition>({ ...CRD, metadata: { name: metadata?.name ?? '' } });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`benchmark: Flux's CRD ${metadata?.name} not established`);
      await sleep(100);
    }
  }
}

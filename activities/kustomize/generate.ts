import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { KustomizationSpec } from '../../api/kustomization.js';

/** File names kustomize recognises as a kustomization, in its order of preference. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The kustomization file of `dir`, if it has one. */
export function findKustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
}

/**
 * Lists the resources of a directory without a kustomization file, as Flux does: every YAML file,
 * recursively, except that a subdirectory with its own kustomization is included as a whole.
 */
async function scanResources(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) {
      if (findKustomizationFile(full)) out.push(path.relative(root, full));
      else out.push(...(await scanResources(root, full)));
    } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
      out.push(path.relative(root, full));
    }
  }
  return out;
}

type KustomizationFile = Record<string, unknown> & {
  patches?: unknown[];
  images?: { name: string }[];
  components?: string[];
};

/** Merges the Kustomization spec's kustomize fields into the file, as Flux's generator does. */
function overlaySpec(file: KustomizationFile, spec: KustomizationSpec, dir: string): KustomizationFile {
  const out: KustomizationFile = { ...file };
  if (spec.targetNamespace) out.namespace = spec.targetNamespace;
  if (spec.namePrefix) out.namePrefix = spec.namePrefix;
  if (spec.nameSuffix) out.nameSuffix = spec.nameSuffix;
  if (spec.patches?.length) {
    const extra = spec.patches.map((p) => ({ patch: p.patch, ...(p.target ? { target: p.target } : {}) }));
    out.patches = [...(out.patches ?? []), ...extra];
  }
  if (spec.images?.length) {
    const byName = new Map((out.images ?? []).map((i) => [i.name, i]));
    for (const img of spec.images) byName.set(img.name, { ...byName.get(img.name), ...img });
    out.images = [...byName.values()];
  }
  if (spec.components?.length) {
    const present = spec.components.filter((c) => !spec.ignoreMissingComponents || existsSync(path.resolve(dir, c)));
    out.components = [...(out.components ?? []), ...present];
  }
  if (spec.buildMetadata?.length) out.buildMetadata = spec.buildMetadata;
  return out;
}

/**
 * Makes `dir` buildable by kustomize with the spec applied: generates a kustomization.yaml when
 * the directory has none, then merges targetNamespace, prefixes, patches, images and components in.
 */
export async function prepareKustomization(dir: string, spec: KustomizationSpec): Promise<void> {
  const existing = findKustomizationFile(dir);
  const file: KustomizationFile = existing
    ? ((parse(await readFile(existing, 'utf8')) as KustomizationFile | null) ?? {})
    : {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: await scanResources(dir, dir),
      };
  await writeFile(existing ?? path.join(dir, 'kustomization.yaml'), stringify(overlaySpec(file, spec, dir)));
}

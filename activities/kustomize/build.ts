import type { KubernetesObject } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, stringify, type Document } from 'yaml';
import type { KustomizationSpec } from '../../api/kustomization.js';
import { prepareKustomization } from './generate.js';
import { explainKustomizeDuplicate, findDuplicateObject } from './duplicates.js';
import { kustomizeBuild, KustomizeError } from './kustomize-cli.js';
import { assertNoRemoteBases, RemoteBaseError } from './remote-bases.js';
import type { Decryptor } from './sops.js';
import { shouldSubstitute, substituteVariables } from './substitute.js';

/** A build failure the same inputs will always reproduce: bad YAML, missing fields, unknown variables. */
export class BuildError extends Error {}

/** `spec.path` is missing from the artifact or escapes it. */
export class InvalidPathError extends Error {}

export interface BuildManifestsInput {
  spec: KustomizationSpec;
  /** Directory the source artifact was extracted into. */
  artifactDir: string;
  /** Labels stamped on every object so prune can tell which objects are ours. */
  ownerLabels: Record<string, string>;
  /** Substitution variables; undefined when the spec has no postBuild. */
  vars?: Record<string, string>;
  /** Decrypts SOPS-encrypted objects; undefined when the spec has no decryption. */
  decrypt?: Decryptor;
}

export interface BuiltManifests {
  objects: KubernetesObject[];
  /** sha256 of the final manifests, the `digest` of history snapshots. */
  digest: string;
  /** Size of the manifests as YAML: what holding them in memory costs, roughly. */
  bytes: number;
}

/** Resolves `spec.path` inside the artifact, refusing paths that leave it (`../../etc`). */
export async function resolveBuildPath(artifactDir: string, specPath: string | undefined): Promise<string> {
  const root = path.resolve(artifactDir);
  const dir = path.resolve(root, (specPath ?? '').replace(/^\.?\//, ''));
  if (dir !== root && !dir.startsWith(root + path.sep))
    throw new InvalidPathError(`path '${specPath}' is outside the artifact`);
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new InvalidPathError(`path '${specPath ?? '.'}' not found in the artifact`);
  return dir;
}

/** Splits kustomize's output into objects, rejecting anything that is not a complete Kubernetes object. */
export function parseManifests(text: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) throw new BuildError(`document ${i + 1}: ${doc.errors[0]?.message}`);
    const obj = documentValue(doc, i);
    if (obj === null) continue;
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
      throw new BuildError(
        `document ${i + 1} is not a Kubernetes object: apiVersion, kind and metadata.name are required`
      );
    }
    objects.push(obj);
  }
  return objects;
}

/** The document as plain data; aliases are resolved here, so an unknown anchor or an alias bomb fails here. */
function documentValue(doc: Document, i: number): KubernetesObject | null {
  try {
    return doc.toJS() as KubernetesObject | null;
  } catch (err) {
    throw new BuildError(`document ${i + 1}: ${(err as Error).message}`);
  }
}

function substitute(obj: KubernetesObject, vars: Record<string, string>): KubernetesObject {
  if (!shouldSubstitute(obj)) return obj;
  try {
    const [doc] = parseAllDocuments(substituteVariables(stringify(obj), vars, { strict: true }));
    return doc?.toJS() as KubernetesObject;
  } catch (err) {
    throw new BuildError(`${obj.kind}/${obj.metadata?.name}: ${(err as Error).message}`);
  }
}

/** Stamps commonMetadata and the owner labels, which win over what the manifest says. */
function stamp(obj: KubernetesObject, spec: KustomizationSpec, ownerLabels: Record<string, string>): KubernetesObject {
  const metadata = { ...obj.metadata };
  metadata.labels = { ...metadata.labels, ...spec.commonMetadata?.labels, ...ownerLabels };
  if (spec.commonMetadata?.annotations)
    metadata.annotations = { ...metadata.annotations, ...spec.commonMetadata.annotations };
  return { ...obj, metadata };
}

/**
 * Builds the manifests of a Kustomization from an extracted artifact: prepare the kustomization,
 * run kustomize, parse, decrypt, substitute variables, stamp metadata (Flux's order). Same inputs →
 * same objects and digest.
 */
export async function buildManifests(
  input: BuildManifestsInput,
  deps: { kustomizeBinary: string; timeoutMs: number; noRemoteBases?: boolean }
): Promise<BuiltManifests> {
  const dir = await resolveBuildPath(input.artifactDir, input.spec.path);
  await prepareKustomization(dir, input.spec);
  if (deps.noRemoteBases) {
    await assertNoRemoteBases(path.resolve(input.artifactDir), dir).catch((err: unknown) => {
      throw err instanceof RemoteBaseError ? new BuildError(err.message) : err;
    });
  }
  const text = await kustomizeBuild(deps.kustomizeBinary, dir, { timeoutMs: deps.timeoutMs }).catch(
    async (err: unknown) => {
      const duplicate = err instanceof KustomizeError ? await explainKustomizeDuplicate(err.message, dir) : undefined;
      throw duplicate ? new BuildError(duplicate) : err;
    }
  );
  const parsed = parseManifests(text);
  // One at a time: each encrypted object costs a sops process.
  if (input.decrypt) for (const [i, o] of parsed.entries()) parsed[i] = await input.decrypt(o);
  const vars = input.vars;
  const objects = parsed.map((o) => stamp(vars ? substitute(o, vars) : o, input.spec, input.ownerLabels));
  // Substitution can make two objects one (`name: ${app}`); which copy wins would depend on apply order.
  const duplicate = findDuplicateObject(objects);
  if (duplicate)
    throw new BuildError(
      `duplicate object ${duplicate}: two objects have the same identity after variable substitution`
    );
  const digest = createHash('sha256');
  let bytes = 0;
  for (const o of objects) {
    const text = stringify(o);
    bytes += text.length;
    digest.update(text).update('---\n');
  }
  return { objects, digest: `sha256:${digest.digest('hex')}`, bytes };
}

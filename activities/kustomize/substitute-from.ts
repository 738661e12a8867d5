import type { KustomizationSpec } from '../../api/kustomization.js';
import type { KubeClients } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { readSecretStrings } from '../kube/secrets.js';
import { mergeSubstituteSources } from './substitute.js';

async function readConfigMapData(
  kube: KubeClients,
  namespace: string,
  name: string
): Promise<Record<string, string> | undefined> {
  try {
    return (await kube.core.readNamespacedConfigMap({ namespace, name })).data ?? {};
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** A referenced substitution source is missing and not optional. */
export class SubstituteSourceError extends Error {}

/**
 * Reads `postBuild.substituteFrom` (ConfigMaps and Secrets in the Kustomization's namespace) and
 * merges them with inline `substitute`. Returns undefined when no substitution should run: no
 * postBuild, or strategy WithVariables with no variables at all. Secret values stay in this process.
 */
export async function resolveSubstitutions(
  kube: KubeClients,
  namespace: string,
  spec: KustomizationSpec
): Promise<Record<string, string> | undefined> {
  const postBuild = spec.postBuild;
  if (!postBuild) return undefined;
  const sources: Record<string, string>[] = [];
  for (const ref of postBuild.substituteFrom ?? []) {
    const data =
      ref.kind === 'ConfigMap'
        ? await readConfigMapData(kube, namespace, ref.name)
        : await readSecretStrings(kube, namespace, ref.name);
    if (data) sources.push(data);
    else if (!ref.optional)
      throw new SubstituteSourceError(`substitute source ${ref.kind}/${namespace}/${ref.name} not found`);
  }
  const vars = mergeSubstituteSources(sources, postBuild.substitute ?? {});
  if (Object.keys(vars).length === 0 && (postBuild.substituteStrategy ?? 'WithVariables') === 'WithVariables')
    return undefined;
  return vars;
}

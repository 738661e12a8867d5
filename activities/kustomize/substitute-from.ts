import type { KustomizationSpec } from '../../api/kustomization.js';
import type { KubeClients } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { mergeSubstituteSources } from './substitute.js';

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
    try {
      if (ref.kind === 'ConfigMap') {
        sources.push((await kube.core.readNamespacedConfigMap({ namespace, name: ref.name })).data ?? {});
      } else {
        const data = (await kube.core.readNamespacedSecret({ namespace, name: ref.name })).data ?? {};
        sources.push(
          Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))
        );
      }
    } catch (err) {
      if (isNotFound(err) && ref.optional) continue;
      if (isNotFound(err))
        throw new SubstituteSourceError(`substitute source ${ref.kind}/${namespace}/${ref.name} not found`);
      throw err;
    }
  }
  const vars = mergeSubstituteSources(sources, postBuild.substitute ?? {});
  if (Object.keys(vars).length === 0 && (postBuild.substituteStrategy ?? 'WithVariables') === 'WithVariables')
    return undefined;
  return vars;
}

import type { KubernetesObject } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { serverSideApply, type KubeClients } from './client.js';
import { apiMessage, apiStatus } from './errors.js';
import { isSkipped } from './apply.js';

/** One object the apiserver refused in dry-run. */
export interface ValidationProblem {
  object: string;
  message: string;
}

const describe = (obj: KubernetesObject): string =>
  `${obj.kind}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;

/**
 * Objects whose dry-run cannot succeed before the build's own first stage exists: their Namespace
 * or their CRD is created by this same build. They are validated by the staged apply instead.
 */
function dependsOnBuild(obj: KubernetesObject, err: unknown, objects: KubernetesObject[]): boolean {
  const msg = apiMessage(err);
  const ns = obj.metadata?.namespace;
  if (ns && apiStatus(err) === 404 && msg.includes(`namespaces "${ns}" not found`)) {
    return objects.some((o) => o.kind === 'Namespace' && o.metadata?.name === ns);
  }
  if (/no matches for kind|unrecognized api version|could not find the requested resource/i.test(msg)) {
    const group = (obj.apiVersion ?? '').split('/')[0];
    return objects.some(
      (o) => o.kind === 'CustomResourceDefinition' && (o as { spec?: { group?: string } }).spec?.group === group
    );
  }
  return false;
}

/**
 * The apiserver does not serve the object's kind: its group is unknown (a bare 404 page), or the
 * group is known but not the kind (the client library's own "Unrecognized API version and kind",
 * which carries no HTTP status and would otherwise be retried for ever).
 */
function unknownKind(err: unknown): boolean {
  const msg = apiMessage(err);
  if (apiStatus(err) === 404) return /page not found|could not find the requested resource/i.test(msg);
  return apiStatus(err) === undefined && /unrecognized api version and kind|no matches for kind/i.test(msg);
}

const unknownKindMessage = (obj: KubernetesObject): string =>
  `kind ${obj.kind} of apiVersion ${obj.apiVersion} is not served by the cluster; ` +
  'install its CustomResourceDefinition (or add it to this Kustomization) first';

/**
 * Server-side dry-runs every object before anything is applied, so an invalid manifest fails the
 * whole revision and leaves the cluster as it was. Returns every problem found (not just the first).
 */
export async function dryRunAll(
  kube: KubeClients,
  objects: KubernetesObject[],
  opts: { fieldManager: string; concurrency: number }
): Promise<ValidationProblem[]> {
  const limit = pLimit(opts.concurrency);
  const results = await Promise.all(
    objects
      .filter((o) => !isSkipped(o))
      .map((obj) =>
        limit(async (): Promise<ValidationProblem | undefined> => {
          try {
            await serverSideApply(kube.objects, obj, { fieldManager: opts.fieldManager, force: true, dryRun: true });
            return undefined;
          } catch (err) {
            if (unknownKind(err) && !dependsOnBuild(obj, err, objects))
              return { object: describe(obj), message: unknownKindMessage(obj) };
            const code = apiStatus(err);
            // Only refusals are validation problems; 5xx/network errors are thrown so the activity retries.
            if (code === undefined && !dependsOnBuild(obj, err, objects)) throw err;
            if (code !== undefined && code >= 500) throw err;
            if (dependsOnBuild(obj, err, objects)) return undefined;
            return { object: describe(obj), message: apiMessage(err) };
          }
        })
      )
  );
  return results.filter((r): r is ValidationProblem => r !== undefined);
}

/**
 * The same object twice in one build (same group, kind, namespace and name). kustomize refuses it
 * while accumulating resources, but with a message that names only its internal id and the second
 * file, followed by a misleading "must build at directory" line; and substitution can still make
 * two objects equal after kustomize ran (`name: ${app}`). Either way nothing may be applied: which
 * copy would win depends on apply order, so the build fails naming the object and its files.
 *
 * @module
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** `group/kind namespace/name` → a readable `Kind/namespace/name (group)`. */
interface ObjectId {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

const describeId = (id: ObjectId): string =>
  `${id.kind}${id.group ? `.${id.group}` : ''}/${id.namespace ? `${id.namespace}/` : ''}${id.name}`;

const idOf = (o: KubernetesObject): ObjectId => ({
  group: (o.apiVersion ?? '').includes('/') ? ((o.apiVersion ?? '').split('/')[0] ?? '') : '',
  kind: o.kind ?? '',
  namespace: o.metadata?.namespace,
  name: o.metadata?.name ?? '',
});

/** The first object that occurs twice in `objects`, described; undefined when all are distinct. */
export function findDuplicateObject(objects: readonly KubernetesObject[]): string | undefined {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = describeId(idOf(o));
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}

/** kustomize's `ConfigMap.v1.[noGrp]/dup.[noNs]` id from its "already registered id" error, parsed. */
export function parseKustomizeDuplicate(message: string): ObjectId | undefined {
  const m = /already registered id: ([^.\s]+)\.([^.\s]+)\.(\S+?)\/(\S+)\.(\S+?)'/.exec(message);
  if (!m) return undefined;
  const [, kind = '', , group = '', name = '', namespace = ''] = m;
  return {
    kind,
    group: group === '[noGrp]' ? '' : group,
    name,
    ...(namespace === '[noNs]' ? {} : { namespace }),
  };
}

/**
 * The message for kustomize's duplicate-id failure: the object, and the YAML files under `root`
 * that define it (as far as a scan can tell), or undefined when `message` is another failure.
 */
export async function explainKustomizeDuplicate(message: string, root: string): Promise<string | undefined> {
  const id = parseKustomizeDuplicate(message);
  if (!id) return undefined;
  const files = await filesDefining(root, id).catch(() => []);
  const where = files.length >= 2 ? ` (in ${files.join(' and ')})` : '';
  return (
    `duplicate object ${describeId(id)}: it is defined more than once${where}; ` +
    'each object may appear once in a Kustomization, remove or rename one of them'
  );
}

/** YAML files under `root` (at most 2000 looked at) with a document of that kind, name and namespace. */
async function filesDefining(root: string, id: ObjectId): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const yaml = entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
    .slice(0, 2000);
  const found: string[] = [];
  for (const file of yaml) {
    const docs = parseAllDocuments(await readFile(file, 'utf8'));
    const objects = docs.map((d) => d.toJS() as KubernetesObject | null).filter((o) => o !== null);
    const matches = objects.filter((o) => {
      const other = idOf(o);
      return other.kind === id.kind && other.name === id.name && (other.namespace ?? '') === (id.namespace ?? '');
    });
    for (let i = 0; i < matches.length; i++) found.push(path.relative(root, file));
  }
  return found;
}

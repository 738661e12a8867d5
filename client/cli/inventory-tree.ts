/**
 * `ballast tree`: the inventory of an object (`status.inventory.entries`) grouped by kind and
 * namespace, drawn as a tree. Pure.
 *
 * @module
 */
import { parseObjectId } from '../../activities/kube/inventory.js';

/** One applied object, its inventory id spelled out. */
export interface InventoryItem {
  kind: string;
  group: string;
  version: string;
  namespace: string;
  name: string;
}

/** Reads inventory entries; entries whose id cannot be parsed are skipped rather than failing the tree. */
export function inventoryItems(entries: readonly { id: string; v: string }[] | undefined): InventoryItem[] {
  const items: InventoryItem[] = [];
  for (const e of entries ?? []) {
    try {
      const ref = parseObjectId(e.id);
      items.push({ kind: ref.kind, group: ref.group, version: e.v, namespace: ref.namespace, name: ref.name });
    } catch {
      continue;
    }
  }
  return items;
}

/** The group heading of an item: `Deployment.apps (apps-ns)`, `ClusterRole.rbac.authorization.k8s.io (cluster)`. */
const heading = (i: InventoryItem): string =>
  `${i.kind}${i.group ? `.${i.group}` : ''} (${i.namespace || 'cluster-scoped'})`;

/**
 * Draws `root` and its objects, one branch per kind and namespace, names sorted.
 *
 * @example renderTree('Kustomization apps/web', [{ kind: 'ConfigMap', group: '', version: 'v1', namespace: 'apps', name: 'a' }])
 * // 'Kustomization apps/web\n└── ConfigMap (apps)\n    └── a\n'
 */
export function renderTree(root: string, items: readonly InventoryItem[]): string {
  const groups = new Map<string, string[]>();
  for (const i of items) groups.set(heading(i), [...(groups.get(heading(i)) ?? []), i.name]);
  const keys = [...groups.keys()].sort();
  const lines = [root];
  keys.forEach((key, gi) => {
    const lastGroup = gi === keys.length - 1;
    lines.push(`${lastGroup ? '└── ' : '├── '}${key}`);
    const names = (groups.get(key) ?? []).sort();
    names.forEach((name, ni) =>
      lines.push(`${lastGroup ? '    ' : '│   '}${ni === names.length - 1 ? '└── ' : '├── '}${name}`)
    );
  });
  return `${lines.join('\n')}\n`;
}

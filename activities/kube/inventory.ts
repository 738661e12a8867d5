/**
 * Flux inventory helpers: the object ids recorded in `status.inventory`, the set difference that drives
 * prune, and the staged order in which objects are applied.
 *
 * Ids use the cli-utils `ObjMetadata` format, `<namespace>_<name>_<group>_<kind>`, so an inventory written
 * by Flux reads back here unchanged (and the other way round). As in cli-utils, a `:` in the name of an RBAC
 * object (`system:auth-delegator`) is written as `__`, because `_` is the field separator.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Inventory, InventoryEntry } from '../../api/meta.js';

/** The identifying fields of an object; `KubernetesObject` from @kubernetes/client-node satisfies it. */
export interface ObjectHeader {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/** The four fields of an inventory id. `namespace` is empty for cluster-scoped objects, `group` for the core group. */
export interface ObjectRef {
  namespace: string;
  name: string;
  group: string;
  kind: string;
}

const SEPARATOR = '_';
const COLON_TRANSCODED = '__';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
/** Applied first, because everything else may live in them or be an instance of them (fluxcd/pkg ssa). */
const CLUSTER_DEFINITIONS = new Set(['customresourcedefinition', 'namespace', 'clusterrole']);

/** Splits `apps/v1` into `{ group: 'apps', version: 'v1' }` and `v1` into `{ group: '', version: 'v1' }`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Formats the four fields as an inventory id, transcoding `:` in RBAC names. */
export function formatObjectId(ref: ObjectRef): string {
  const rbac = ref.group === RBAC_GROUP && RBAC_KINDS.has(ref.kind);
  const name = rbac ? ref.name.replaceAll(':', COLON_TRANSCODED) : ref.name;
  return [ref.namespace, name, ref.group, ref.kind].join(SEPARATOR);
}

/**
 * The inventory id of an object, e.g. `default_podinfo_apps_Deployment` or `_flux-system__Namespace`.
 *
 * @throws RangeError when the object has no name or kind, since its id would be meaningless.
 */
export function objectId(obj: ObjectHeader): string {
  const name = obj.metadata?.name ?? '';
  const kind = obj.kind ?? '';
  if (name === '' || kind === '') throw new RangeError(`object '${kind}/${name}' has no ${name ? 'kind' : 'name'}`);
  const { group } = splitApiVersion(obj.apiVersion ?? '');
  return formatObjectId({ namespace: obj.metadata?.namespace ?? '', name, group, kind });
}

/**
 * Parses an inventory id back into its fields; the inverse of {@link objectId}. Namespace is the text before
 * the first `_`, kind and group the last two fields, and `__` in the name reads back as `:`.
 *
 * @throws RangeError when the id does not have four fields, or the name or kind is empty.
 */
export function parseObjectId(id: string): ObjectRef {
  const first = id.indexOf(SEPARATOR);
  const last = id.lastIndexOf(SEPARATOR);
  const groupStart = id.lastIndexOf(SEPARATOR, last - 1);
  if (first === -1 || groupStart <= first) throw new RangeError(`inventory id '${id}' does not have four fields`);
  const name = id.slice(first + 1, groupStart).replaceAll(COLON_TRANSCODED, ':');
  const kind = id.slice(last + 1);
  if (name.includes(SEPARATOR)) throw new RangeError(`inventory id '${id}' has too many fields`);
  if (name === '' || kind === '') throw new RangeError(`inventory id '${id}' has an empty name or kind`);
  return { namespace: id.slice(0, first), name, group: id.slice(groupStart + 1, last), kind };
}

const byId = (a: InventoryEntry, b: InventoryEntry): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The inventory of a set of objects: one `{ id, v }` per object (v is the version without the group),
 * sorted by id. When two objects share an id the later one wins, as it is the one applied last.
 */
export function inventoryOf(objects: readonly ObjectHeader[]): Inventory {
  const entries = new Map<string, InventoryEntry>();
  for (const obj of objects) {
    const id = objectId(obj);
    entries.set(id, { id, v: splitApiVersion(obj.apiVersion ?? '').version });
  }
  return { entries: [...entries.values()].sort(byId) };
}

/** Deletion rank: the reverse of the apply stages, so dependents go before what they depend on. */
function deletionRank(kind: string): number {
  if (kind === 'CustomResourceDefinition') return 4;
  if (kind === 'Namespace') return 3;
  if (kind === 'ClusterRole') return 2;
  return kind.endsWith('Class') ? 1 : 0;
}

/**
 * Entries of `oldInv` whose id is not in `newInv` (a changed version alone is not stale), ordered for safe
 * deletion: ordinary objects first, then `*Class` kinds, ClusterRoles, Namespaces, and CRDs last (deleting
 * a CRD deletes every instance of it). Ties are ordered by id.
 */
export function staleEntries(oldInv: Inventory, newInv: Inventory): InventoryEntry[] {
  const keep = new Set(newInv.entries.map((e) => e.id));
  const rank = (e: InventoryEntry): number => deletionRank(kindOf(e.id));
  return oldInv.entries.filter((e) => !keep.has(e.id)).sort((a, b) => rank(a) - rank(b) || byId(a, b));
}

/** The kind field of an id, tolerant of malformed ids (they sort with ordinary objects). */
function kindOf(id: string): string {
  return id.slice(id.lastIndexOf(SEPARATOR) + 1);
}

/**
 * sha256 (hex) of the inventory's ids and versions, independent of entry order. Carried through workflow
 * history instead of the inventory itself, to tell whether the applied set changed.
 */
export function inventoryDigest(inv: Inventory): string {
  const pairs = inv.entries.map((e) => [e.id, e.v] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(pairs)).digest('hex');
}

/**
 * Splits objects into Flux's apply stages, keeping their order inside each stage:
 * 1. cluster definitions — CustomResourceDefinitions, Namespaces, ClusterRoles;
 * 2. `*Class` kinds — StorageClass, IngressClass, PriorityClass, RuntimeClass, GatewayClass…;
 * 3. everything else.
 * Always returns three arrays (some may be empty).
 */
export function applyOrder<T extends ObjectHeader>(objects: readonly T[]): [T[], T[], T[]] {
  const stages: [T[], T[], T[]] = [[], [], []];
  for (const obj of objects) {
    const kind = obj.kind ?? '';
    const stage = CLUSTER_DEFINITIONS.has(kind.toLowerCase()) ? 0 : kind.endsWith('Class') ? 1 : 2;
    stages[stage].push(obj);
  }
  return stages;
}

/**
 * Circular `dependsOn`. Flux reports "dependency not ready" forever when Kustomizations wait on
 * each other (A → B → A, or A → A); nothing tells the user that no amount of waiting will help.
 * This follows the dependencies' own `dependsOn`, a bounded number of reads, and names the cycle.
 *
 * @module
 */

/** A Kustomization by namespace and name. */
export interface DependencyNode {
  namespace: string;
  name: string;
}

/** Reads a Kustomization's dependencies (namespaces resolved); undefined when it does not exist. */
export type DependencyReader = (node: DependencyNode) => Promise<DependencyNode[] | undefined>;

/** How many objects one search reads at most: deeper graphs are not worth a reconcile's time. */
export const MAX_DEPENDENCY_READS = 64;

const key = (n: DependencyNode): string => `${n.namespace}/${n.name}`;

/**
 * The first dependency cycle reachable from `start`, as `ns/name` keys from the first repeated
 * object back to itself (`['ns/a', 'ns/b', 'ns/a']`), or undefined when there is none within
 * {@link MAX_DEPENDENCY_READS} reads.
 */
export async function findDependencyCycle(
  start: DependencyNode,
  readDependencies: DependencyReader
): Promise<string[] | undefined> {
  const done = new Set<string>();
  const path: string[] = [];
  let reads = 0;
  const visit = async (node: DependencyNode): Promise<string[] | undefined> => {
    const k = key(node);
    const onPath = path.indexOf(k);
    if (onPath >= 0) return [...path.slice(onPath), k];
    if (done.has(k) || reads >= MAX_DEPENDENCY_READS) return undefined;
    reads++;
    path.push(k);
    for (const dep of (await readDependencies(node)) ?? []) {
      const cycle = await visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(k);
    return undefined;
  };
  return visit(start);
}

/** `circular dependency: ns/a -> ns/b -> ns/a`. */
export function cycleMessage(cycle: readonly string[]): string {
  return `circular dependency: ${cycle.join(' -> ')}; remove one of these dependsOn entries`;
}

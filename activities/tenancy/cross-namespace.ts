/** A reference from a namespaced object to another object; no namespace means the referrer's own. */
export interface ObjectReference {
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * Flux's `--no-cross-namespace-refs` check: the message for the first reference that leaves
 * `namespace`, worded as Flux words it, or undefined when every reference stays inside it.
 */
export function crossNamespaceDenial(namespace: string, refs: readonly ObjectReference[]): string | undefined {
  const outside = refs.find((r) => r.namespace !== undefined && r.namespace !== '' && r.namespace !== namespace);
  if (!outside) return undefined;
  return `can't access '${outside.kind}/${outside.namespace}/${outside.name}', cross-namespace references have been blocked`;
}

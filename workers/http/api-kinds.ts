/**
 * Which kind a URL names. Accepts what `kubectl` and `flux` users type: the kind, its plural,
 * singular or short name, in any case (`Kustomization`, `kustomizations`, `ks`).
 *
 * @module
 */
import { kindByName } from '../../api/kinds.js';
import { WORKFLOWS, type ServedKind } from '../controller/workflows.js';

/** Kinds that have a reconcile workflow, and so can be reconciled through the API. */
export const RECONCILABLE_KINDS = Object.keys(WORKFLOWS) as ServedKind[];

/** The canonical kind `input` names, or undefined for a kind without a reconcile workflow. */
export function resolveKind(input: string): ServedKind | undefined {
  const kind = kindByName(input)?.kind;
  return RECONCILABLE_KINDS.find((k) => k === kind);
}

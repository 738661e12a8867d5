/**
 * Inputs and results of the Kustomization preview (`ballast diff`). What crosses workflow history
 * is a reference and counts; the field-level diff travels sealed to the caller's key (see
 * sealed-box.ts), because it holds manifest content and possibly substituted Secret values.
 */
import type { GitRepositoryRef } from '../../api/gitrepository.js';
import type { SealedBox } from './sealed-box.js';

export interface PreviewKustomizationInput {
  ref: { namespace: string; name: string };
  /** Another revision of the GitRepository to build instead of its current artifact. */
  gitRef?: GitRepositoryRef;
  /** The caller's X25519 public key (base64 SPKI DER); only its holder can read the diff. */
  recipientKey: string;
}

/** What the next apply would do to one object. */
export type PreviewAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'refused';

/** One changed field: a dotted path and its rendered values before and after (absent = not set). */
export interface FieldChange {
  path: string;
  from?: string;
  to?: string;
}

export interface ObjectPreview {
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
  object: string;
  action: PreviewAction;
  changes?: FieldChange[];
  /** The apiserver's refusal when the dry-run failed. */
  message?: string;
}

/** The sealed content: every object's preview, in apply order. */
export interface PreviewDetails {
  objects: ObjectPreview[];
  /** Field changes were dropped because the diff was too large to return. */
  truncated?: boolean;
}

export interface PreviewKustomizationResult {
  /** The source revision that was built. */
  revision: string;
  counts: Record<PreviewAction, number>;
  details: SealedBox;
}

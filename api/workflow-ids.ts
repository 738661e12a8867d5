/**
 * Stable, readable workflow IDs: `<cluster>/<kind>/<namespace>/<name>`, one workflow per object.
 * Readable in the Temporal UI and derivable by every controller replica, so `signalWithStart`
 * from two replicas lands on the same workflow.
 */
export interface ObjectRef {
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The workflow ID of the object's reconcile loop. */
export function workflowIdFor(ref: ObjectRef): string {
  return `${ref.cluster}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Inverse of {@link workflowIdFor}; undefined for IDs that are not Ballast's. */
export function parseWorkflowId(id: string): ObjectRef | undefined {
  const parts = id.split('/');
  if (parts.length !== 4 || parts.some((p) => p === '')) return undefined;
  const [cluster, kind, namespace, name] = parts as [string, string, string, string];
  return { cluster, kind, namespace, name };
}

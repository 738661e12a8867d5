/**
 * The multi-tenancy lockdown a worker runs under (Flux RFC-0001). All off by default, as in Flux;
 * a platform team turns them on so tenants get no more than their own namespace's RBAC allows.
 */
export interface TenancyOptions {
  /** Refuse sources and dependencies in a namespace other than the object's own. */
  noCrossNamespaceRefs?: boolean;
  /** ServiceAccount (in the object's namespace) that objects without `spec.serviceAccountName` act as. */
  defaultServiceAccount?: string;
  /** Refuse kustomizations that reference remote bases or files (URLs, Git repositories). */
  noRemoteBases?: boolean;
}

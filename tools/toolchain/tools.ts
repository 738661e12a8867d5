import {
  KUBERNETES_VERSION,
  ETCD_VERSION,
  HELM_VERSION,
  KUSTOMIZE_VERSION,
  KWOK_VERSION,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_SERVER_VERSION,
  CRANE_VERSION,
  SOPS_VERSION,
  AGE_VERSION,
} from './versions.js';

/** How one binary is produced: `go install pkg@version`, or `go build` inside the helper module `tools/gomod`. */
export type ToolRecipe =
  | { kind: 'go-install'; pkg: string; version: string; ldflags?: string[] }
  | { kind: 'gomod-build'; pkg: string; version: string; ldflags?: string[] };

export type ToolName =
  | 'temporal'
  | 'temporal-server'
  | 'temporal-sql-tool'
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kwok'
  | 'helm'
  | 'kustomize'
  | 'crane'
  | 'sops'
  | 'age-keygen';

const k8sVersionFlags = (() => {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  const pkg = 'k8s.io/component-base/version';
  // Without these the binaries report v0.0.0-master, which confuses version-skew checks in clients.
  return [`-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`];
})();

/** Every tool the local environment needs, in build order (cheapest first, so a broken proxy fails fast). */
export const TOOLS: Record<ToolName, ToolRecipe> = {
  kustomize: { kind: 'go-install', pkg: 'sigs.k8s.io/kustomize/kustomize/v5', version: KUSTOMIZE_VERSION },
  kwok: { kind: 'go-install', pkg: 'sigs.k8s.io/kwok/cmd/kwok', version: KWOK_VERSION },
  helm: {
    kind: 'go-install',
    pkg: 'helm.sh/helm/v4/cmd/helm',
    version: HELM_VERSION,
    ldflags: [`-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`],
  },
  temporal: { kind: 'go-install', pkg: 'github.com/temporalio/cli/cmd/temporal', version: TEMPORAL_CLI_VERSION },
  // The production server and its schema tool (PostgreSQL schemas are embedded in it: --schema-name).
  'temporal-server': { kind: 'go-install', pkg: 'go.temporal.io/server/cmd/server', version: TEMPORAL_SERVER_VERSION },
  'temporal-sql-tool': {
    kind: 'go-install',
    pkg: 'go.temporal.io/server/cmd/tools/sql',
    version: TEMPORAL_SERVER_VERSION,
  },
  crane: { kind: 'go-install', pkg: 'github.com/google/go-containerregistry/cmd/crane', version: CRANE_VERSION },
  sops: { kind: 'go-install', pkg: 'github.com/getsops/sops/v3/cmd/sops', version: SOPS_VERSION },
  'age-keygen': { kind: 'go-install', pkg: 'filippo.io/age/cmd/age-keygen', version: AGE_VERSION },
  etcd: { kind: 'gomod-build', pkg: './cmd/etcd', version: ETCD_VERSION },
  'kube-apiserver': {
    kind: 'gomod-build',
    pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
    version: KUBERNETES_VERSION,
    ldflags: k8sVersionFlags,
  },
  'kube-controller-manager': {
    kind: 'gomod-build',
    pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager',
    version: KUBERNETES_VERSION,
    ldflags: k8sVersionFlags,
  },
  // Not in the original plan: without a scheduler no Pod gets a node, so no Deployment becomes Available.
  'kube-scheduler': {
    kind: 'gomod-build',
    pkg: 'k8s.io/kubernetes/cmd/kube-scheduler',
    version: KUBERNETES_VERSION,
    ldflags: k8sVersionFlags,
  },
};

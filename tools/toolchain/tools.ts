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
  MINIO_VERSION,
  FLUX_SOURCE_CONTROLLER_VERSION,
  FLUX_KUSTOMIZE_CONTROLLER_VERSION,
  FLUX_HELM_CONTROLLER_VERSION,
} from './versions.js';

/**
 * How one binary is produced: `go install pkg@version`, or `go build` inside a helper module
 * (`tools/gomod`, or the folder under tools/ that `module` names). `onlyFor: 'flux'` tools are
 * built only on request (`npm run tools -- --flux`, `npm run bench -- --flux`), not by every run.
 */
export type ToolRecipe =
  | { kind: 'go-install'; pkg: string; version: string; ldflags?: string[] }
  | { kind: 'gomod-build'; pkg: string; version: string; ldflags?: string[]; module?: string; onlyFor?: 'flux' };

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
  | 'age-keygen'
  | 'minio'
  | 'flux-source-controller'
  | 'flux-kustomize-controller'
  | 'flux-helm-controller';

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
  // The S3-compatible server the S3 artifact store is tested against (tools/localenv/s3.ts).
  minio: { kind: 'go-install', pkg: 'github.com/minio/minio', version: MINIO_VERSION },
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
  // Flux's controllers, for the benchmark's side-by-side run only. Their go.mod files carry replace
  // directives, so each is built inside its own helper module under tools/flux/ that repeats them.
  'flux-source-controller': fluxController('source-controller', FLUX_SOURCE_CONTROLLER_VERSION),
  'flux-kustomize-controller': fluxController('kustomize-controller', FLUX_KUSTOMIZE_CONTROLLER_VERSION),
  'flux-helm-controller': fluxController('helm-controller', FLUX_HELM_CONTROLLER_VERSION),
};

function fluxController(name: string, version: string): ToolRecipe {
  return { kind: 'gomod-build', pkg: `github.com/fluxcd/${name}`, version, module: `flux/${name}`, onlyFor: 'flux' };
}

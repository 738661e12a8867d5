/**
 * Pinned versions of every infrastructure binary Ballast runs against. Changing a pin here
 * changes the cache key, so the next `npm run tools` rebuilds exactly that tool.
 */
export const KUBERNETES_VERSION = 'v1.34.4';
/** etcd is the version k8s.io/kubernetes v1.34.4 itself requires (go.mod), so kube-apiserver is tested against it. */
export const ETCD_VERSION = 'v3.6.4';
/** Newest temporal CLI whose go.mod has no replace directive (v1.6+ replace ./cliext, which `go install` refuses). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
/**
 * The Temporal server the CLI above embeds (its go.mod requires go.temporal.io/server v1.29.1), built
 * on its own so a test can run it as a multi-process cluster on PostgreSQL like a production install.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const KWOK_VERSION = 'v0.8.0';
export const HELM_VERSION = 'v4.3.1';
/** v5.8.3 requires go 1.27; v5.8.2 is the newest that builds with the machine's Go 1.26. */
export const KUSTOMIZE_VERSION = 'v5.8.2';
/** crane's `registry serve` is the OCI registry on loopback that tests push Helm charts to. */
export const CRANE_VERSION = 'v0.22.1';
/** sops decrypts SOPS-encrypted manifests for Kustomizations with `spec.decryption.provider: sops`. */
export const SOPS_VERSION = 'v3.13.3';
/** age-keygen makes the age keys tests encrypt with; v1.3.1 is the age sops v3.13.3 itself requires. */
export const AGE_VERSION = 'v1.3.1';
/**
 * MinIO, the S3-compatible server tests of the S3 artifact store run on loopback. MinIO publishes no
 * semver tags to the module proxy; this pseudo-version is `go list -m github.com/minio/minio@latest`
 * on 2026-11-30 (commit 7aac2a2c5b7c of 2026-02-12), whose go.mod has no replace directive.
 */
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
/**
 * The controllers Flux v2.9.5 ships, built only for the benchmark's side-by-side run; their helper
 * modules (tools/flux/<controller>/go.mod) require the same versions.
 */
export const FLUX_VERSION = 'v2.9.5';
export const FLUX_SOURCE_CONTROLLER_VERSION = 'v1.9.5';
export const FLUX_KUSTOMIZE_CONTROLLER_VERSION = 'v1.9.5';
export const FLUX_HELM_CONTROLLER_VERSION = 'v1.6.4';

/**
 * The single registry of condition reasons. A permanent failure is thrown as
 * `ApplicationFailure.nonRetryable(message, Reason.X)` and the workflow writes that type straight
 * into `Ready=False`, so every reason a condition can carry is declared here and nowhere else.
 * The values are Flux's strings, so `flux`, kstatus and dashboards read Ballast's status unchanged.
 *
 * @module
 */

/** Condition and event reasons, Flux's plus the few Ballast adds (marked "Ballast-only"). */
export const Reason = {
  // Generic (fluxcd/pkg apis/meta).
  /** The step or reconcile succeeded. */
  Succeeded: 'Succeeded',
  /** The step or reconcile failed. */
  Failed: 'Failed',
  /** Work is in progress (Reconciling=True, Ready=Unknown). */
  Progressing: 'Progressing',
  /** Work is in progress again after a failure. */
  ProgressingWithRetry: 'ProgressingWithRetry',
  /** `spec.suspend` is true; nothing was done. */
  Suspended: 'Suspended',
  /** An object in `spec.dependsOn` is not ready yet. */
  DependencyNotReady: 'DependencyNotReady',
  /** The referenced source has no usable artifact. */
  ArtifactFailed: 'ArtifactFailed',
  /** Building manifests (kustomize, substitution, decryption) failed. */
  BuildFailed: 'BuildFailed',
  /** Applied objects did not become healthy in time. */
  HealthCheckFailed: 'HealthCheckFailed',
  /** The health check was cancelled, e.g. by a newer revision. */
  HealthCheckCanceled: 'HealthCheckCanceled',
  /** Garbage collection of objects dropped from the inventory failed. */
  PruneFailed: 'PruneFailed',
  /** The whole reconcile succeeded (also a history snapshot status). */
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  /** The whole reconcile failed (also a history snapshot status). */
  ReconciliationFailed: 'ReconciliationFailed',
  /** A CEL expression (readyExpr, healthCheckExprs) does not compile; Stalled. */
  InvalidCELExpression: 'InvalidCELExpression',
  /** The spec uses a feature whose gate is off; Stalled. */
  FeatureGateDisabled: 'FeatureGateDisabled',
  /** `spec.path` does not exist in the artifact. */
  InvalidPath: 'InvalidPath',
  /** A cross-namespace reference or ExternalArtifact is not allowed; Stalled. */
  AccessDenied: 'AccessDenied',
  /** The retry budget is spent; Stalled until the spec changes. */
  RetriesExceeded: 'RetriesExceeded',

  // Sources (source-controller).
  /** A git clone or checkout succeeded. */
  GitOperationSucceeded: 'GitOperationSucceeded',
  /** A git clone or checkout failed. */
  GitOperationFailed: 'GitOperationFailed',
  /** The credentials were refused or could not be read. */
  AuthenticationFailed: 'AuthenticationFailed',
  /** `spec.url` is not a valid URL. */
  URLInvalid: 'URLInvalid',
  /** An endpoint URL is invalid (OCI, Helm and notification kinds). */
  InvalidURL: 'InvalidURL',
  /** Plain-HTTP endpoints are forbidden by `--insecure-allow-http=false`. */
  InsecureConnectionsDisallowed: 'InsecureConnectionsDisallowed',
  /** The URL scheme is not one the kind supports. */
  UnsupportedConnectionType: 'UnsupportedConnectionType',
  /** A new artifact revision was stored. */
  NewArtifact: 'NewArtifact',
  /** The stored artifact already matches upstream. */
  ArtifactUpToDate: 'ArtifactUpToDate',
  /** Reading or writing artifact storage failed. */
  StorageOperationFailed: 'StorageOperationFailed',

  // Rollback. Helm-controller uses RollbackSucceeded/RollbackFailed for HelmRelease remediation;
  // for Kustomization they, and RolledBack, are Ballast-only (spec.rollback, unknown to Flux).
  /** The last healthy revision was re-applied and passed its health checks; the message names both revisions. */
  RollbackSucceeded: 'RollbackSucceeded',
  /** Re-applying the last healthy revision failed too; the message names both revisions. */
  RollbackFailed: 'RollbackFailed',
  /** HelmRelease: there is no earlier release to roll back to; Stalled. */
  MissingRollbackTarget: 'MissingRollbackTarget',
  /**
   * Ballast-only. Ready=False while the cluster runs the restored revision instead of the desired
   * one; the message names both, e.g. `rolled back from main@sha1:bad… to main@sha1:good…`.
   */
  RolledBack: 'RolledBack',

  // HelmRelease (helm-controller). The *Succeeded/*Failed pairs are the Released, TestSuccess and
  // Remediated condition reasons and the event reasons of each Helm action.
  /** A Helm install succeeded. */
  InstallSucceeded: 'InstallSucceeded',
  /** A Helm install failed. */
  InstallFailed: 'InstallFailed',
  /** A Helm upgrade succeeded. */
  UpgradeSucceeded: 'UpgradeSucceeded',
  /** A Helm upgrade failed. */
  UpgradeFailed: 'UpgradeFailed',
  /** The Helm tests of the release passed. */
  TestSucceeded: 'TestSucceeded',
  /** A Helm test of the release failed. */
  TestFailed: 'TestFailed',
  /** A Helm uninstall (on deletion or as remediation) succeeded. */
  UninstallSucceeded: 'UninstallSucceeded',
  /** A Helm uninstall failed. */
  UninstallFailed: 'UninstallFailed',
  /** The cluster differs from the release manifest (Drifted=True, Warning event). */
  DriftDetected: 'DriftDetected',
  /** The cluster matches the release manifest (Drifted=False). */
  NoDriftDetected: 'NoDriftDetected',
  /** Drift was corrected by re-applying the release manifest. */
  DriftCorrected: 'DriftCorrected',
  /** Re-applying the release manifest to correct drift failed. */
  DriftCorrectionFailed: 'DriftCorrectionFailed',
  /** Composing values from valuesFrom and values failed (missing object or key, bad YAML, bad targetPath). */
  ValuesError: 'ValuesError',
  /** The chart source (HelmChart, OCIRepository, ExternalArtifact) is not ready or has no artifact. */
  SourceNotReady: 'SourceNotReady',
  /** Building the list of released objects failed. */
  InventoryBuildFailed: 'InventoryBuildFailed',
  /** Creating or updating the generated HelmChart failed (event). */
  HelmChartSyncErr: 'HelmChartSyncErr',
  /** The generated HelmChart was deleted after a switch to chartRef or on deletion (event). */
  HelmChartDeleted: 'HelmChartDeleted',

  // Helm sources (source-controller HelmRepository and HelmChart).
  /** A chart was pulled from a HelmRepository. */
  ChartPullSucceeded: 'ChartPullSucceeded',
  /** Pulling a chart from a HelmRepository failed. */
  ChartPullFailed: 'ChartPullFailed',
  /** A chart was packaged from a GitRepository or Bucket path. */
  ChartPackageSucceeded: 'ChartPackageSucceeded',
  /** Packaging a chart from a GitRepository or Bucket path failed. */
  ChartPackageFailed: 'ChartPackageFailed',
  /** `spec.chart` or `spec.sourceRef` of a HelmChart does not name a usable chart; Stalled. */
  InvalidChartReference: 'InvalidChartReference',
  /** A HelmRepository index.yaml could not be fetched or parsed. */
  IndexationFailed: 'IndexationFailed',
  /** A HelmRepository index.yaml was fetched and stored. */
  IndexationSucceeded: 'IndexationSucceeded',
  /** Signature verification of an artifact failed. */
  ArtifactVerificationFailed: 'ArtifactVerificationFailed',

  // Notifications (notification-controller): failures of an Alert's delivery to its Provider.
  /** An Alert or Provider is misconfigured (bad address, missing key, unsupported type). */
  InvalidConfig: 'InvalidConfig',
  /** A Provider refused an event or could not be reached. */
  NotificationDispatchFailed: 'NotificationDispatchFailed',

  // Receivers (notification-controller).
  /** The Receiver's spec cannot be served (invalid, or a feature Ballast lacks); Stalled. */
  ValidationFailed: 'ValidationFailed',
  /** The Receiver's Secret or its `token` key is missing; retried. */
  TokenNotFound: 'TokenNotFound',
} as const;

/** A reason registered in {@link Reason}. */
export type Reason = (typeof Reason)[keyof typeof Reason];

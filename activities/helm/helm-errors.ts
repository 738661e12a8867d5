/**
 * Errors of the Helm wrapper. Every failure of a helm command becomes one {@link HelmError} with a
 * {@link HelmErrorKind} read from helm's stderr, a `permanent` flag (false when repeating the same
 * call may succeed) and a Flux {@link Reason}. Messages go to status and events, so they are
 * scrubbed of credentials and of the values' strings (see {@link valueSecrets}).
 *
 * The patterns below were taken from helm v4.3.1 run against the local cluster; each group names
 * the messages it matched there.
 *
 * @module
 */
import { Reason } from '../../api/reasons.js';
import { scrubSecrets } from '../source/git-errors.js';

/**
 * What went wrong, coarsely enough for the caller to pick the next action:
 * - `render`: a template, values schema or rendered-YAML error in the chart (permanent).
 * - `invalid-chart`: the chart itself is malformed: Chart.yaml missing or invalid, missing dependencies (permanent).
 * - `validation`: the apiserver or Helm refused the rendered objects or the options, e.g. an unknown kind (permanent).
 * - `conflict`: the name or an object belongs to someone else, or a server-side apply field conflict (permanent).
 * - `locked`: another operation holds the release (`pending-*`); after a crash nothing releases it,
 *   so repeating the call cannot help: recover with {@link pendingRelease} and rollback/uninstall (permanent).
 * - `timeout`: a wait or hook outlived `--timeout`; Helm marked the release `failed` (retryable).
 * - `not-found`: the release, revision, chart path or namespace does not exist (permanent).
 * - `forbidden`: RBAC denied the (impersonated) user (permanent until RBAC changes).
 * - `kubeconfig`: the kubeconfig or context cannot be used (permanent).
 * - `unreachable`: the apiserver could not be reached (retryable).
 * - `test-failed`: a test hook ran and failed (permanent for this release).
 * - `unknown`: anything else (retryable).
 */
export type HelmErrorKind =
  | 'render'
  | 'invalid-chart'
  | 'validation'
  | 'conflict'
  | 'locked'
  | 'timeout'
  | 'not-found'
  | 'forbidden'
  | 'kubeconfig'
  | 'unreachable'
  | 'test-failed'
  | 'unknown';

/** The helm command that failed. */
export type HelmAction =
  | 'install'
  | 'upgrade'
  | 'rollback'
  | 'uninstall'
  | 'test'
  | 'template'
  | 'history'
  | 'status'
  | 'get-manifest'
  | 'get-values';

const RETRYABLE: ReadonlySet<HelmErrorKind> = new Set(['timeout', 'unreachable', 'unknown']);

/**
 * A failed helm command. `reason` is the Flux reason when one fits the failure itself
 * (`ArtifactFailed` for an unusable chart, `RollbackFailed` for a rollback); otherwise
 * `Failed`, and the caller, who knows whether it was installing or upgrading, picks
 * `InstallFailed`/`UpgradeFailed` from `action`.
 */
export class HelmError extends Error {
  override readonly name = 'HelmError';
  /** False when repeating the same call may succeed. */
  readonly permanent: boolean;
  readonly reason: Reason;

  constructor(
    readonly kind: HelmErrorKind,
    readonly action: HelmAction,
    message: string
  ) {
    super(message);
    this.permanent = !RETRYABLE.has(kind);
    this.reason = reasonFor(kind, action, message);
  }
}

/** A chart that cannot be loaded is the artifact's fault, as in helm-controller; the rest depends on the action. */
function reasonFor(kind: HelmErrorKind, action: HelmAction, message: string): Reason {
  if (kind === 'invalid-chart' || (kind === 'not-found' && CHART_MISSING.test(message))) return Reason.ArtifactFailed;
  return action === 'rollback' ? Reason.RollbackFailed : Reason.Failed;
}

const CHART_MISSING = /path ".*" not found|chart ".*" (version ".*" )?not found/i;

/** Ordered: the first group whose pattern matches wins, so specific causes come before generic ones. */
const PATTERNS: readonly [HelmErrorKind, readonly RegExp[]][] = [
  // "another operation (install/upgrade/rollback) is in progress"
  ['locked', [/another operation .* is in progress/i]],
  // `context "x" does not exist`, `stat /x: no such file`, `error loading config file`: all wrapped in "cluster unreachable".
  ['kubeconfig', [/context ".*" does not exist/i, /error loading config file/i, /unreachable: stat .*no such file/i]],
  // "kubernetes cluster unreachable: Get ...: dial tcp ...: connect: connection refused"
  [
    'unreachable',
    [
      /cluster unreachable/i,
      /connection refused/i,
      /no such host/i,
      /dial tcp/i,
      /tls handshake timeout/i,
      /connection reset by peer/i,
      /the server is currently unable to handle the request/i,
      /http2: client connection lost/i,
    ],
  ],
  // "c1/templates/x.yaml:6:15 executing ... nil pointer", "parse error at", "execution error at" (fail), schema errors.
  [
    'render',
    [
      /parse error at/i,
      /execution error at/i,
      /executing ".*" at </i,
      /values don't meet the specifications of the schema/i,
      /error converting YAML to JSON/i,
      /YAML parse error/i,
      /template: .*: (function|undefined)/i,
    ],
  ],
  // "validation: chart.metadata.version is required", "unable to detect chart at ...".
  [
    'invalid-chart',
    [
      /validation: chart\./i,
      /unable to detect chart/i,
      /Chart\.yaml file is missing/i,
      /chart metadata \(Chart\.yaml\) missing/i,
      /does not appear to be a gzipped archive/i,
      /missing in charts\/ directory/i,
      /chart requires kubeVersion/i,
      /apiVersion is required/i,
    ],
  ],
  // "cannot reuse a name that is still in use", "exists and cannot be imported ... invalid ownership metadata".
  [
    'conflict',
    [
      /cannot reuse a name that is still in use/i,
      /invalid ownership metadata/i,
      /exists and cannot be imported/i,
      /apply failed with \d+ conflicts?/i,
      /conflicts? with "/i,
      /already exists/i,
    ],
  ],
  // `secrets is forbidden: User "bob" cannot list resource`.
  ['forbidden', [/is forbidden:/i, /\bUnauthorized\b/]],
  // "release: not found", `"x" has no deployed releases`, "release has no 99 version", `path "./x" not found`, `namespaces "x" not found`.
  [
    'not-found',
    [
      /release: not found/i,
      /has no deployed releases/i,
      /release has no \d+ version/i,
      /path ".*" not found/i,
      /namespaces? ".*" not found/i,
      /chart ".*" (version ".*" )?not found/i,
    ],
  ],
  // "resource PersistentVolumeClaim/ns/x not ready ... context deadline exceeded".
  ['timeout', [/context deadline exceeded/i, /timed out waiting/i, /\btimeout\b.*exceeded/i]],
  // "failed to create typed patch object", "resource mapping not found ... ensure CRDs are installed first", 422 "is invalid".
  [
    'validation',
    [
      /failed to create typed patch object/i,
      /resource mapping not found/i,
      /no matches for kind/i,
      /unable to build kubernetes objects/i,
      /error validating data/i,
      /\bis invalid\b/i,
      /invalid operation:/i,
      /invalid client update option/i,
      /release name .* invalid/i,
    ],
  ],
];

/** The kind whose patterns match `detail`, or `unknown`. */
/**
 * The kind of a failed helm command from its whole stderr. A post-renderer failure (helm-cli.ts
 * appends the kustomize error after helm's own line) is a render error: the same inputs fail the
 * same way, so retrying it only delays the report.
 */
export function classifyStderr(stderr: string): HelmErrorKind {
  return stderr.includes('\npost-renderer kustomize: ') ? 'render' : classifyHelmMessage(helmDetail(stderr));
}

export function classifyHelmMessage(detail: string): HelmErrorKind {
  for (const [kind, patterns] of PATTERNS) {
    if (patterns.some((p) => p.test(detail))) return kind;
  }
  return 'unknown';
}

/**
 * Helm's own explanation from its stderr: the text after the last `Error:` (helm prints its
 * `level=WARN` log lines first), without the `INSTALLATION FAILED:`-style prefix, which the
 * {@link HelmError} message states anyway, joined into one line.
 */
export function helmDetail(stderr: string): string {
  const at = stderr.lastIndexOf('Error: ');
  const tail = (at >= 0 ? stderr.slice(at + 'Error: '.length) : stderr).trim();
  const lines = tail
    .replace(/^(INSTALLATION|UPGRADE) FAILED: /, '')
    .replace(/\n+Use --debug flag.*$/s, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // One line: condition messages are read in `kubectl get` tables.
  return lines.join(' ');
}

/**
 * Strings of `values` that must never reach a message: every string leaf of 8+ characters, and
 * every string (3+) under a key that sounds secret. Shorter strings are left alone because masking
 * them would garble names in messages while protecting nothing that could be a credential.
 */
export function valueSecrets(values: unknown, sensitiveKey = false): string[] {
  if (typeof values === 'string') {
    return values.length >= 8 || (sensitiveKey && values.length >= 3) ? [values] : [];
  }
  if (Array.isArray(values)) return values.flatMap((v) => valueSecrets(v, sensitiveKey));
  if (values !== null && typeof values === 'object') {
    return Object.entries(values).flatMap(([k, v]) => valueSecrets(v, sensitiveKey || SENSITIVE_KEY.test(k)));
  }
  return [];
}

const SENSITIVE_KEY = /pass|secret|token|key|cred|auth|cert|private|salt/i;

/** Builds the classified error for a failed helm call, scrubbing `secrets` and capping the detail at 1,000 characters. */
export function helmFailure(
  action: HelmAction,
  subject: string,
  stderr: string,
  secrets: readonly string[],
  kind: HelmErrorKind = classifyStderr(stderr)
): HelmError {
  const scrubbed = scrubSecrets(helmDetail(stderr), secrets) || 'helm printed no error';
  const detail = scrubbed.length > 1000 ? `${scrubbed.slice(0, 997)}...` : scrubbed;
  return new HelmError(kind, action, `helm ${action} of ${subject} failed: ${detail}`);
}

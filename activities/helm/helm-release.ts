/**
 * Releases as the wrapper returns them: helm's JSON output validated by the zod schemas of
 * helm-types.ts and reduced to the result types, and what a release's state means.
 *
 * @module
 */
import type { ZodType } from 'zod';
import { HelmError, type HelmAction } from './helm-errors.js';
import { ReleaseJsonSchema, type HelmRelease, type ReleaseJson, type ReleaseStatus } from './helm-types.js';

/**
 * Whether the latest revision is stuck in `pending-install|pending-upgrade|pending-rollback`: a helm
 * process died mid-operation and every later install/upgrade/rollback fails with kind `locked`.
 * Recover a pending install with `uninstall`, a pending upgrade or rollback with `rollback`.
 */
export function pendingRelease(release: { status: ReleaseStatus } | undefined): boolean {
  return release !== undefined && release.status.startsWith('pending-');
}

/** Parses helm's JSON output with `schema`; its text is never quoted in the error, since it holds values and manifests. */
export function parseJson<T>(action: HelmAction, stdout: string, schema: ZodType<T>): T {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new HelmError('unknown', action, `helm ${action} printed no valid JSON (${stdout.length} bytes)`);
  }
  return validated(action, data, schema);
}

/** `data` checked against `schema`; a mismatch names the fields, never their values. */
function validated<T>(action: HelmAction, data: unknown, schema: ZodType<T>): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new HelmError('unknown', action, `helm ${action} printed unexpected JSON: ${issues.slice(0, 500)}`);
  }
  return parsed.data;
}

const TIME = '.UTC.Format "2006-01-02T15:04:05.999999999Z07:00"';

/**
 * A Go template for `helm get all --template`. Helm 4's `status -o json` leaves out the chart and the
 * hooks, and `--template` has no `toJson`, so each field is printed as `key=<urlquery>` on its own line
 * (hooks as `&`-separated fields): lossless for any text, and parsed by {@link parseReleaseTemplate}.
 */
export const RELEASE_TEMPLATE = [
  'name={{ urlquery .Release.Name }}',
  'namespace={{ urlquery .Release.Namespace }}',
  'version={{ .Release.Version }}',
  'status={{ urlquery (print .Release.Info.Status) }}',
  'description={{ urlquery .Release.Info.Description }}',
  `first_deployed={{ .Release.Info.FirstDeployed${TIME} }}`,
  `last_deployed={{ .Release.Info.LastDeployed${TIME} }}`,
  'chart_name={{ urlquery .Release.Chart.Metadata.Name }}',
  'chart_version={{ urlquery .Release.Chart.Metadata.Version }}',
  'app_version={{ urlquery .Release.Chart.Metadata.AppVersion }}',
  'apply_method={{ urlquery .Release.ApplyMethod }}',
  '{{ range .Release.Hooks }}hook={{ urlquery .Name }}&{{ urlquery .Kind }}&' +
    '{{ range .Events }}{{ urlquery (print .) }},{{ end }}&{{ urlquery (print .LastRun.Phase) }}&' +
    `{{ if not .LastRun.StartedAt.IsZero }}{{ .LastRun.StartedAt${TIME} }}{{ end }}&` +
    `{{ if not .LastRun.CompletedAt.IsZero }}{{ .LastRun.CompletedAt${TIME} }}{{ end }}\n{{ end }}`,
].join('\n');

/** Reads what {@link RELEASE_TEMPLATE} printed into the shape of `helm install -o json`, validated by `ReleaseJsonSchema`. */
export function parseReleaseTemplate(stdout: string): ReleaseJson {
  const fields = new Map<string, string>();
  const hooks: ReleaseRecordHook[] = [];
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (key === 'hook')
      hooks.push(
        hookOf(
          line
            .slice(eq + 1)
            .split('&')
            .map(unquery)
        )
      );
    else fields.set(key, unquery(line.slice(eq + 1)));
  }
  return releaseJsonOf({
    name: fields.get('name'),
    namespace: fields.get('namespace'),
    version: Number(fields.get('version')),
    info: {
      status: fields.get('status'),
      description: fields.get('description'),
      first_deployed: fields.get('first_deployed'),
      last_deployed: fields.get('last_deployed'),
    },
    chart: {
      metadata: {
        name: fields.get('chart_name'),
        version: fields.get('chart_version'),
        appVersion: fields.get('app_version'),
      },
    },
    hooks,
    apply_method: fields.get('apply_method'),
  });
}

function hookOf([name, kind, events, phase, started, completed]: string[]): ReleaseRecordHook {
  return {
    name,
    kind,
    events: (events ?? '').split(',').filter((e) => e !== ''),
    last_run: { phase, started_at: started, completed_at: completed },
  };
}

/** Inverse of Go's `urlquery` (QueryEscape: spaces became `+`). */
const unquery = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));

/** The small, status-worthy facts of one release revision. */
export function toRelease(json: ReleaseJson): HelmRelease {
  const { metadata } = json.chart;
  const tests = (json.hooks ?? [])
    .filter((h) => h.events?.includes('test'))
    .map((h) => ({
      name: h.name,
      ...(h.kind !== undefined ? { kind: h.kind } : {}),
      ...(h.last_run?.phase ? { phase: h.last_run.phase } : {}),
      ...(h.last_run?.started_at ? { startedAt: h.last_run.started_at } : {}),
      ...(h.last_run?.completed_at ? { completedAt: h.last_run.completed_at } : {}),
    }));
  return {
    name: json.name,
    namespace: json.namespace,
    revision: json.version,
    status: json.info.status,
    chartName: metadata.name,
    chartVersion: metadata.version,
    ...(metadata.appVersion !== undefined ? { appVersion: metadata.appVersion } : {}),
    ...(json.info.description !== undefined ? { description: json.info.description } : {}),
    ...(json.info.first_deployed !== undefined ? { firstDeployed: json.info.first_deployed } : {}),
    ...(json.info.last_deployed !== undefined ? { lastDeployed: json.info.last_deployed } : {}),
    ...(json.apply_method !== undefined ? { applyMethod: json.apply_method } : {}),
    tests,
  };
}

/** Go's zero time, which helm's JSON holds for a hook that never ran; the template prints nothing for it. */
const GO_ZERO_TIME = /^0001-01-01T00:00:00/;

/** An RFC 3339 time as RELEASE_TEMPLATE prints it: in UTC, keeping the fraction's digits as Go wrote them. */
function utcTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || GO_ZERO_TIME.test(value)) return undefined;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!m || m[3] === 'Z') return value;
  return `${new Date(`${m[1]}${m[3]}`).toISOString().slice(0, 19)}${m[2] ?? ''}Z`;
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** A hook as helm stores it; every field may be empty or a Go zero time. */
interface ReleaseRecordHook {
  name?: unknown;
  kind?: unknown;
  events?: unknown;
  last_run?: Record<string, unknown>;
}

/** A release as helm stores it (JSON of its release struct), or as RELEASE_TEMPLATE's fields rebuild it. */
interface ReleaseRecord {
  name?: unknown;
  namespace?: unknown;
  version?: unknown;
  info?: Record<string, unknown>;
  chart?: { metadata?: Record<string, unknown> };
  hooks?: ReleaseRecordHook[] | null;
  apply_method?: unknown;
}

/**
 * The validated document of a release record, the same whichever way it was read: empty strings
 * and Go zero times absent, times in UTC, as RELEASE_TEMPLATE prints them.
 */
function releaseJsonOf(r: ReleaseRecord): ReleaseJson {
  return validated(
    'status',
    {
      name: r.name,
      namespace: r.namespace,
      version: r.version,
      info: {
        status: r.info?.status,
        description: nonEmpty(r.info?.description),
        first_deployed: utcTime(r.info?.first_deployed),
        last_deployed: utcTime(r.info?.last_deployed),
      },
      chart: {
        metadata: {
          name: r.chart?.metadata?.name,
          version: r.chart?.metadata?.version,
          appVersion: nonEmpty(r.chart?.metadata?.appVersion),
        },
      },
      hooks: (r.hooks ?? []).map((h) => ({
        name: h.name,
        kind: nonEmpty(h.kind),
        events: Array.isArray(h.events) ? h.events.map(String) : [],
        last_run: {
          phase: nonEmpty(h.last_run?.phase),
          started_at: utcTime(h.last_run?.started_at),
          completed_at: utcTime(h.last_run?.completed_at),
        },
      })),
      apply_method: nonEmpty(r.apply_method),
    },
    ReleaseJsonSchema
  );
}

/**
 * The release a record of helm's storage holds (decoded by release-storage.ts), in exactly the form
 * {@link Helm.status} returns. Reading the record directly saves a helm process (about a third of
 * a CPU-second) per look at a release.
 */
export function releaseFromRecord(record: Record<string, unknown>): HelmRelease {
  return toRelease(releaseJsonOf(record));
}

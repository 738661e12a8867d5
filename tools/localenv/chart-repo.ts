/**
 * A real Helm chart repository for tests and `npm run dev`: {@link startChartRepo} packages charts
 * with `helm package`, indexes them with `helm repo index --url`, and serves the directory over
 * HTTP on 127.0.0.1, optionally behind Basic authentication. {@link writeTestChart} writes a small
 * valid chart to serve or install. Nothing is mocked: clients read what a real repository serves.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { isolatedHelmEnv } from '../../activities/helm/helm-cli.js';
import { toolPath } from '../toolchain/build.js';

const execFileAsync = promisify(execFile);

/** Options of {@link startChartRepo}. */
export interface ChartRepoOptions {
  /** Chart directories to package at start: a map (any keys) of chart paths, or a directory whose subdirectories are charts. */
  charts?: Record<string, string> | string;
  /** Credentials every request must present as `Authorization: Basic`; anonymous when absent. */
  basic?: { username: string; password: string };
  /** helm binary; default the toolchain's `toolPath('helm')`. */
  helmBinary?: string;
}

/** A chart version the repository serves. */
export interface PublishedChart {
  name: string;
  version: string;
  /** Absolute URL of the packaged chart. */
  url: string;
}

/** A running chart repository. */
export interface ChartRepo {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the index is at `${url}/index.yaml`. */
  url: string;
  /** Directory served: the packages and index.yaml. */
  dir: string;
  /** Packaged at start, in order. */
  charts: PublishedChart[];
  /** Packages another chart (or chart version) and re-indexes. */
  publish(chartDir: string): Promise<PublishedChart>;
  /** Paths requested so far, with the status served (to assert what a client fetched). */
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

/** Starts a chart repository on 127.0.0.1 (random port) serving `options.charts`. */
export async function startChartRepo(options: ChartRepoOptions = {}): Promise<ChartRepo> {
  const helm = options.helmBinary ?? toolPath('helm');
  const dir = await mkdtemp(path.join(tmpdir(), 'ballast-chart-repo-'));
  const requests: { path: string; status: number }[] = [];
  const server = createServer((req, res) => {
    void serve(req, res, dir, options.basic)
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
        return 500;
      })
      .then((status) => requests.push({ path: req.url ?? '/', status }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publish = async (chartDir: string): Promise<PublishedChart> => {
    const { name, version, file } = await packageChart(helm, chartDir, dir);
    await runHelm(helm, ['repo', 'index', '--url', url, dir]);
    return { name, version, url: `${url}/${file}` };
  };
  const charts: PublishedChart[] = [];
  for (const chartDir of await chartDirs(options.charts)) charts.push(await publish(chartDir));
  if (charts.length === 0) await runHelm(helm, ['repo', 'index', '--url', url, dir]);
  return {
    url,
    dir,
    charts,
    publish,
    requests,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function chartDirs(charts: ChartRepoOptions['charts']): Promise<string[]> {
  if (charts === undefined) return [];
  if (typeof charts !== 'string') return Object.values(charts);
  const entries = await readdir(charts, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(path.join(charts, e.name, 'Chart.yaml')))
    .map((e) => path.join(charts, e.name))
    .sort();
}

async function runHelm(helm: string, args: string[]): Promise<string> {
  const home = await mkdtemp(path.join(tmpdir(), 'ballast-helm-'));
  try {
    const { stdout } = await execFileAsync(helm, args, { env: isolatedHelmEnv(home) });
    return stdout;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** `helm package` into `dest`; reads name and version back from the file helm wrote (`<name>-<version>.tgz`). */
async function packageChart(
  helm: string,
  chartDir: string,
  dest: string
): Promise<{ name: string; version: string; file: string }> {
  const stdout = await runHelm(helm, ['package', '--destination', dest, '--', path.resolve(chartDir)]);
  const file = path.basename(/saved it to: (.+\.tgz)/.exec(stdout)?.[1]?.trim() ?? '');
  const { name, version } = await chartMeta(chartDir);
  if (file === '') throw new Error(`helm package ${chartDir} printed no package path: ${stdout}`);
  return { name, version, file };
}

async function chartMeta(chartDir: string): Promise<{ name: string; version: string }> {
  const meta = parse(await readFile(path.join(chartDir, 'Chart.yaml'), 'utf8')) as { name: string; version: string };
  return { name: meta.name, version: String(meta.version) };
}

const CONTENT_TYPES: Record<string, string> = {
  '.yaml': 'application/x-yaml',
  '.tgz': 'application/gzip',
  '.prov': 'application/pgp-signature',
};

/** Serves one top-level file of `dir` (no subpaths, so nothing outside it is reachable); returns the status. */
async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string,
  basic: ChartRepoOptions['basic']
): Promise<number> {
  if (basic && req.headers.authorization !== basicHeader(basic)) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="ballast-charts"' }).end('unauthorized\n');
    return 401;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return 405;
  }
  const name = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/^\/+/, '');
  const file = path.join(dir, name);
  const type = CONTENT_TYPES[path.extname(name)];
  if (name.includes('/') || name.startsWith('.') || !type || !(await isFile(file))) {
    res.writeHead(404).end('not found\n');
    return 404;
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': (await stat(file)).size });
  if (req.method === 'HEAD') res.end();
  else
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  return 200;
}

function basicHeader(basic: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

/** What {@link writeTestChart} writes. */
export interface TestChartSpec {
  name: string;
  version: string;
  appVersion?: string;
  /** values.yaml; default `{ data: { greeting: 'hello' } }`, which the default ConfigMap renders. */
  values?: Record<string, unknown>;
  /**
   * Files under templates/ (name → content). Default: `configmap.yaml`, a ConfigMap
   * `<release>-config` whose data is `.Values.data`.
   */
  templates?: Record<string, string>;
  /** Also add a Deployment `<release>` (image from `.Values.image`, default busybox). */
  deployment?: boolean;
  /**
   * Also add a `helm.sh/hook: test` hook. kwok completes Pods only when a Job owns them, so a `job`
   * test succeeds under kwok, while a bare `pod` test stays Running until `helm test` times out.
   */
  testHook?: 'job' | 'pod';
}

/** The default ConfigMap template: its data is `.Values.data`, quoted, so any scalar renders as a string. */
export const CONFIG_MAP_TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  {{- range $k, $v := .Values.data }}
  {{ $k }}: {{ $v | toString | quote }}
  {{- end }}
`;

const DEPLOYMENT_TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 1
  selector:
    matchLabels: { app: {{ .Release.Name }} }
  template:
    metadata:
      labels: { app: {{ .Release.Name }} }
    spec:
      containers:
        - name: app
          image: {{ .Values.image | default "busybox" }}
`;

const TEST_CONTAINER = `      containers:
        - name: test
          image: busybox
          command: ["true"]`;

const TEST_TEMPLATES = {
  job: `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
${TEST_CONTAINER}
`,
  pod: `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
${TEST_CONTAINER.replace(/^ {4}/gm, '')}
`,
};

/**
 * Writes a valid chart (Chart.yaml `apiVersion: v2`, values.yaml, templates/) to `dir`, creating it,
 * and returns `dir`.
 */
export async function writeTestChart(dir: string, spec: TestChartSpec): Promise<string> {
  const chart = { apiVersion: 'v2', name: spec.name, version: spec.version, type: 'application' };
  const meta = spec.appVersion !== undefined ? { ...chart, appVersion: spec.appVersion } : chart;
  const templates: Record<string, string> = { ...(spec.templates ?? { 'configmap.yaml': CONFIG_MAP_TEMPLATE }) };
  if (spec.deployment) templates['deployment.yaml'] = DEPLOYMENT_TEMPLATE;
  if (spec.testHook) templates['test.yaml'] = TEST_TEMPLATES[spec.testHook];
  await mkdir(path.join(dir, 'templates'), { recursive: true });
  await writeFile(path.join(dir, 'Chart.yaml'), stringify(meta));
  await writeFile(path.join(dir, 'values.yaml'), stringify(spec.values ?? { data: { greeting: 'hello' } }));
  for (const [name, content] of Object.entries(templates)) {
    await mkdir(path.dirname(path.join(dir, 'templates', name)), { recursive: true });
    await writeFile(path.join(dir, 'templates', name), content);
  }
  return dir;
}

/**
 * What the benchmark reconciles: the Git repository holding the N app packages (Kustomizations)
 * or the chart repository serving the app chart (HelmReleases), and the Flux objects pointing at
 * them — one shared source, or one source object per app (`sources: 'N'`, each fetched on its own,
 * like the N OCIRepositories of Flux's benchmark).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KindDescriptor } from '../api/meta.js';
import { GitRepositoryKind } from '../api/gitrepository.js';
import { HelmReleaseKind } from '../api/helmrelease.js';
import { HelmRepositoryKind } from '../api/helmrepository.js';
import { KustomizationKind } from '../api/kustomization.js';
import { startChartRepo, writeTestChart } from '../tools/localenv/chart-repo.js';
import { createGitFixture, startGitHttpServer } from '../tools/localenv/git-server.js';
import { APP_CHART_TEMPLATE, appRepoFiles } from './workload.js';

export type BenchKind = 'kustomization' | 'helmrelease';
export type SourcesMode = '1' | 'N';

/** One Flux object to create: its kind and spec (metadata is name + the benchmark namespace). */
export interface ObjectToCreate {
  kind: KindDescriptor;
  name: string;
  spec: Record<string, unknown>;
}

/** Served content and the objects that use it. */
export interface Workload {
  /** Source objects first, then the N reconciled objects. */
  sources: ObjectToCreate[];
  objects: ObjectToCreate[];
  /** The kind whose N objects must become Ready. */
  readyKind: KindDescriptor;
  close(): Promise<void>;
}

const INTERVAL = '1h';

/** Serves the apps and describes the objects, for `kind` and `sources`. */
export async function prepareWorkload(kind: BenchKind, names: string[], sources: SourcesMode): Promise<Workload> {
  return kind === 'kustomization' ? gitWorkload(names, sources) : helmWorkload(names, sources);
}

async function gitWorkload(names: string[], mode: SourcesMode): Promise<Workload> {
  const repo = await createGitFixture('apps.git');
  await repo.commit(appRepoFiles(names), 'the benchmark apps');
  await repo.pushAll();
  const server = await startGitHttpServer({ projectRoot: repo.projectRoot });
  const sourceName = (app: string): string => (mode === 'N' ? app : 'apps');
  const sourceSpec = { url: `${server.url}/${repo.repoName}`, interval: INTERVAL, ref: { branch: 'main' } };
  return {
    sources: (mode === 'N' ? names : ['apps']).map((n) => ({ kind: GitRepositoryKind, name: n, spec: sourceSpec })),
    objects: names.map((n) => ({
      kind: KustomizationKind,
      name: n,
      spec: {
        interval: INTERVAL,
        path: `./apps/${n}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: sourceName(n) },
      },
    })),
    readyKind: KustomizationKind,
    close: async () => {
      await server.close();
      await repo.cleanup();
    },
  };
}

async function helmWorkload(names: string[], mode: SourcesMode): Promise<Workload> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ballast-bench-chart-'));
  const chartDir = await writeTestChart(path.join(dir, 'app'), {
    name: 'app',
    version: '1.0.0',
    values: {},
    templates: { 'app.yaml': APP_CHART_TEMPLATE },
  });
  const charts = await startChartRepo({ charts: { app: chartDir } });
  const sourceName = (app: string): string => (mode === 'N' ? app : 'charts');
  return {
    sources: (mode === 'N' ? names : ['charts']).map((n) => ({
      kind: HelmRepositoryKind,
      name: n,
      spec: { url: charts.url, interval: INTERVAL },
    })),
    objects: names.map((n) => ({
      kind: HelmReleaseKind,
      name: n,
      spec: {
        interval: INTERVAL,
        chart: { spec: { chart: 'app', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: sourceName(n) } } },
      },
    })),
    readyKind: HelmReleaseKind,
    close: async () => {
      await charts.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes a run's results under bench/results/: the run's JSON, then, from every run of that kind
 * found there (the newest per N), a Markdown table and an SVG line chart of time to all-Ready
 * against N, one line for Ballast and one for the floor, and one for Flux when runs have it (`--flux`).
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchResult } from './harness.js';

/** Default output directory: bench/results beside this file. */
export const RESULTS_DIR = path.join(import.meta.dirname, 'results');

/** Writes `<kind>-n<count>-s<sources>.json`, `<kind>.md` and `<kind>.svg` in `dir`; returns their paths. */
export async function writeResults(result: BenchResult, dir = RESULTS_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, `${result.kind}-n${result.count}-s${result.sources}.json`);
  await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
  const runs = await readRuns(dir, result.kind);
  const md = path.join(dir, `${result.kind}.md`);
  const svg = path.join(dir, `${result.kind}.svg`);
  await writeFile(md, markdownTable(runs));
  await writeFile(svg, svgChart(runs, `${result.kind}s: seconds to all Ready`));
  return [json, md, svg];
}

/** Every run of `kind` in `dir`, the newest per (N, sources), ordered by N. */
export async function readRuns(dir: string, kind: string): Promise<BenchResult[]> {
  const files = (await readdir(dir)).filter((f) => f.startsWith(`${kind}-n`) && f.endsWith('.json'));
  const runs = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as BenchResult)
  );
  return runs.sort((a, b) => a.count - b.count || a.sources.localeCompare(b.sources));
}

const mib = (n: number | undefined): string => (n === undefined ? '–' : `${Math.round(n)} MiB`);
const sec = (n: number | undefined): string => (n === undefined ? '–' : `${n.toFixed(1)} s`);

/** One row per run: times, apiserver requests, process costs, history per reconcile. */
export function markdownTable(runs: BenchResult[]): string {
  const head = [
    'N',
    'sources',
    'Ballast all-Ready (p50 / p95)',
    'floor',
    'Ballast/floor',
    'Flux all-Ready (p50 / p95)',
    'Ballast/Flux',
    'Flux CPU / peak RSS',
    'apiserver requests (Ballast / Flux)',
    'worker CPU / peak RSS',
    'controller CPU / peak RSS',
    'Temporal CPU / peak RSS',
    'apiserver / etcd CPU',
    'machine busy',
    'events / activities / WFTs per reconcile',
  ];
  const rows = runs.map((r) => {
    const p = r.ballast.processes;
    const cost = (name: string): string =>
      p[name] ? `${sec(p[name].cpuSeconds)} / ${mib(p[name].peakRssMiB)}` : 'not measured';
    const h = r.ballast.history;
    return [
      String(r.count),
      r.sources,
      `${sec(r.ballast.readySeconds)} (${sec(r.ballast.p50ReadySeconds)} / ${sec(r.ballast.p95ReadySeconds)})`,
      sec(r.floor.seconds),
      `${r.ballastOverFloor}×`,
      r.flux ? `${sec(r.flux.readySeconds)} (${sec(r.flux.p50ReadySeconds)} / ${sec(r.flux.p95ReadySeconds)})` : '–',
      ballastOverFlux(r),
      fluxCosts(r),
      r.flux ? `${r.ballast.apiserverRequests} / ${r.flux.apiserverRequests}` : String(r.ballast.apiserverRequests),
      r.ballast.workerMemory ? `${cost('worker')} (limit ${r.ballast.workerMemory.limitMiB} MiB)` : cost('worker'),
      cost('controller'),
      cost('temporal'),
      `${sec(p.apiserver?.cpuSeconds)} / ${sec(p.etcd?.cpuSeconds)}`,
      r.ballast.machineBusy === undefined ? '–' : `${Math.round(r.ballast.machineBusy * 100)} %`,
      `${h.eventsPerReconcile} / ${h.activitiesPerReconcile} / ${h.workflowTasksPerReconcile}`,
    ];
  });
  const m = runs[0]?.machine;
  const v = runs[0]?.versions;
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    m && v
      ? `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB; node ${v.node}, temporal CLI ${v.temporalCli}, Kubernetes ${v.kubernetes}; ` +
        `environment: ${runs.map((r) => r.environment).join(', ')}. CPU is seconds used during the run.` +
        fluxNote(runs)
      : '',
  ];
  return `${lines.join('\n')}\n`;
}

/** Ballast's time to all-Ready over Flux's, e.g. `2.5×` (Ballast slower); `–` for a run without Flux. */
export function ballastOverFlux(r: Pick<BenchResult, 'ballast' | 'flux'>): string {
  if (!r.flux || r.flux.readySeconds <= 0) return '–';
  return `${Number((r.ballast.readySeconds / r.flux.readySeconds).toFixed(2))}×`;
}

/** Each Flux controller's CPU seconds and peak RSS, e.g. `source-controller 1.2 s / 40 MiB`. */
function fluxCosts(r: BenchResult): string {
  if (!r.flux) return '–';
  return Object.entries(r.flux.processes)
    .map(([name, p]) => `${name} ${sec(p.cpuSeconds)} / ${mib(p.peakRssMiB)}`)
    .join('; ');
}

/** Which Flux ran, with each controller's version and --concurrent; empty when no run has Flux. */
function fluxNote(runs: BenchResult[]): string {
  const flux = runs.find((r) => r.flux)?.flux;
  if (!flux) return '';
  const controllers = Object.entries(flux.controllers).map(
    ([n, c]) => `${n} ${c.version} --concurrent=${c.concurrent}`
  );
  return ` Flux ${flux.version}: ${controllers.join(', ')}.`;
}

/** A plain SVG line chart: seconds to all-Ready against N, Ballast, the floor and (where run) Flux. */
export function svgChart(runs: BenchResult[], title: string): string {
  const [w, h, left, right, top, bottom] = [640, 360, 60, 130, 40, 50];
  const series = [
    { name: 'Ballast', color: '#d9480f', points: runs.map((r) => [r.count, r.ballast.readySeconds] as const) },
    { name: 'floor (direct SSA)', color: '#1c7ed6', points: runs.map((r) => [r.count, r.floor.seconds] as const) },
    {
      name: 'Flux',
      color: '#2b8a3e',
      points: runs.flatMap((r) => (r.flux ? [[r.count, r.flux.readySeconds] as const] : [])),
    },
  ].filter((s) => s.points.length > 0);
  const maxX = Math.max(1, ...runs.map((r) => r.count));
  const maxY = niceCeil(Math.max(1, ...series.flatMap((s) => s.points.map(([, y]) => y))));
  const x = (v: number): number => Number((left + (v / maxX) * (w - left - right)).toFixed(1));
  const y = (v: number): number => Number((h - bottom - (v / maxY) * (h - top - bottom)).toFixed(1));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxY);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${left}" x2="${w - right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>` +
        `<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${round1(t)}</text>`
    ),
    ...[...new Set(runs.map((r) => r.count))].map(
      (n) => `<text x="${x(n)}" y="${h - bottom + 18}" text-anchor="middle">${n}</text>`
    ),
    `<text x="${(left + w - right) / 2}" y="${h - 10}" text-anchor="middle">N objects</text>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${h - bottom}" stroke="#333"/>`,
    `<line x1="${left}" x2="${w - right}" y1="${h - bottom}" y2="${h - bottom}" stroke="#333"/>`,
    ...series.flatMap((s, i) => [
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map(([a, b]) => `${x(a)},${y(b)}`).join(' ')}"/>`,
      ...s.points.map(([a, b]) => `<circle cx="${x(a)}" cy="${y(b)}" r="3" fill="${s.color}"/>`),
      `<line x1="${w - right + 10}" x2="${w - right + 30}" y1="${top + 10 + i * 20}" y2="${top + 10 + i * 20}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${w - right + 35}" y="${top + 14 + i * 20}">${escapeXml(s.name)}</text>`,
    ]),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

const round1 = (n: number): string => String(Number(n.toFixed(1)));

/** 1, 2 or 5 times a power of ten, at least `v`: axis ends on a round number. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GitRepositoryKind } from '../../../api/gitrepository.js';
import { KustomizationKind } from '../../../api/kustomization.js';
import { forFlux } from '../../../bench/flux-phase.js';
import { fluxControllersFor } from '../../../bench/flux-processes.js';
import type { BenchResult } from '../../../bench/harness.js';
import { ballastOverFlux, markdownTable, svgChart } from '../../../bench/report.js';

/** A run as the harness writes it; `flux` seconds when the run had a Flux phase. */
function run(count: number, ballastSeconds: number, fluxSeconds?: number): BenchResult {
  const times = (s: number) => ({ readySeconds: s, firstReadySeconds: 1, p50ReadySeconds: s / 2, p95ReadySeconds: s });
  const history = {
    sampled: 1,
    eventsPerReconcile: 1,
    activitiesPerReconcile: 1,
    workflowTasksPerReconcile: 1,
    activities: {},
    timing: {},
  };
  return {
    kind: 'kustomization',
    count,
    sources: '1',
    startedAt: '2026-01-01T00:00:00Z',
    machine: { cores: 2, cpu: 'cpu', memoryGiB: 8, platform: 'linux' },
    versions: { node: 'v24', temporalCli: 'v1', kubernetes: 'v1.34.4' },
    environment: 'own',
    ballast: {
      ...times(ballastSeconds),
      readyObjects: count,
      apiserverRequests: 100,
      harnessRequests: 10,
      processes: {},
      notes: [],
      history,
      sourceHistory: history,
    },
    floor: { seconds: 1, concurrency: 16, objects: count * 4, apiserverRequests: 10 },
    ballastOverFloor: ballastSeconds,
    ...(fluxSeconds === undefined
      ? {}
      : {
          flux: {
            version: 'v2.9.5',
            controllers: { 'kustomize-controller': { version: 'v1.9.5', concurrent: 20 } },
            ...times(fluxSeconds),
            readyObjects: count,
            apiserverRequests: 50,
            harnessRequests: 10,
            processes: { 'kustomize-controller': { cpuSeconds: 2, peakRssMiB: 40 } },
          },
        }),
  };
}

describe('bench: Ballast beside Flux in the report', () => {
  it('gives Ballast over Flux as a ratio, and a dash for a run without Flux', () => {
    assert.equal(ballastOverFlux(run(10, 30, 12)), '2.5×');
    assert.equal(ballastOverFlux(run(10, 5, 10)), '0.5×');
    assert.equal(ballastOverFlux(run(10, 30)), '–');
  });

  it('puts Flux time, ratio and controller costs in the table row of the run that has them', () => {
    const [, , withFlux, withoutFlux] = markdownTable([run(10, 30, 12), run(100, 300)]).split('\n');
    assert.match(withFlux!, /\| 12\.0 s \(6\.0 s \/ 12\.0 s\) \| 2\.5× \| kustomize-controller 2\.0 s \/ 40 MiB \|/);
    assert.match(withFlux!, /\| 100 \/ 50 \|/, 'apiserver requests, Ballast then Flux');
    assert.match(withoutFlux!, /\| – \| – \| – \| 100 \|/);
  });

  it('names the Flux version and each controller concurrency under the table', () => {
    assert.match(markdownTable([run(10, 30, 12)]), /Flux v2\.9\.5: kustomize-controller v1\.9\.5 --concurrent=20\./);
    assert.doesNotMatch(markdownTable([run(10, 30)]), /Flux v/);
  });

  it('draws a Flux line only through the runs that had Flux', () => {
    const svg = svgChart([run(10, 30, 12), run(100, 300)], 't');
    assert.match(svg, />Flux</);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 3);
    assert.equal((svg.match(/fill="#2b8a3e"/g) ?? []).length, 1, 'one Flux point');
    assert.doesNotMatch(svgChart([run(10, 30)], 't'), />Flux</);
  });
});

describe('bench: the Flux phase', () => {
  it('targets the phase namespace from each Kustomization, as Flux needs, and leaves sources alone', () => {
    const ks = { kind: KustomizationKind, name: 'app-0001', spec: { path: './apps/app-0001' } };
    const git = { kind: GitRepositoryKind, name: 'apps', spec: { url: 'http://x' } };
    assert.deepEqual(forFlux(ks, 'bench-flux-1').spec, { path: './apps/app-0001', targetNamespace: 'bench-flux-1' });
    assert.equal(forFlux(git, 'bench-flux-1'), git);
    assert.deepEqual(ks.spec, { path: './apps/app-0001' }, 'the shared workload is not changed');
  });

  it('runs source-controller and the controller of the benchmarked kind', () => {
    assert.deepEqual(fluxControllersFor('kustomization'), ['source-controller', 'kustomize-controller']);
    assert.deepEqual(fluxControllersFor('helmrelease'), ['source-controller', 'helm-controller']);
  });
});

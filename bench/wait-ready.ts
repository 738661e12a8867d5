/** Polls the benchmark's objects until all are Ready, recording when each first was. */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KindDescriptor } from '../api/meta.js';
import { round } from './proc-stats.js';

const POLL_MS = 1000;

/** What the Ready poll reads of each listed object. */
export interface ListedObject {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** Lists the objects once a second until `count` are Ready=True; fails with the stragglers' conditions. */
/** When the objects became Ready, as {@link waitAllReady} measured it. */
export interface ReadyTimes {
  allSeconds: number;
  firstSeconds: number;
  p50Seconds: number;
  p95Seconds: number;
  count: number;
}

/** The Ready figures every phase of a result carries (Ballast's and Flux's alike), rounded for the report. */
export function readyFigures(ready: ReadyTimes): {
  readySeconds: number;
  firstReadySeconds: number;
  p50ReadySeconds: number;
  p95ReadySeconds: number;
  readyObjects: number;
} {
  const r = (x: number): number => round(x, 2);
  return {
    readySeconds: r(ready.allSeconds),
    firstReadySeconds: r(ready.firstSeconds),
    p50ReadySeconds: r(ready.p50Seconds),
    p95ReadySeconds: r(ready.p95Seconds),
    readyObjects: ready.count,
  };
}

export async function waitAllReady(
  kc: KubeConfig,
  ns: string,
  kind: KindDescriptor,
  count: number,
  started: number,
  requests: { n: number },
  opts: { timeoutMs: number; log: (line: string) => void }
): Promise<ReadyTimes> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  /** When each object was first seen Ready. */
  const readyAt = new Map<string, number>();
  let lastLogged = 0;
  for (;;) {
    requests.n++;
    const list = (await custom.listNamespacedCustomObject({
      group: kind.group,
      version: kind.version,
      plural: kind.plural,
      namespace: ns,
    })) as { items: ListedObject[] };
    const elapsed = (performance.now() - started) / 1000;
    for (const o of list.items)
      if (readyCondition(o)?.status === 'True' && !readyAt.has(o.metadata.name)) readyAt.set(o.metadata.name, elapsed);
    const ready = readyAt.size;
    if (ready >= count) {
      const times = [...readyAt.values()].sort((a, b) => a - b);
      const at = (q: number): number => nearestRank(times, q) ?? elapsed;
      return { allSeconds: elapsed, firstSeconds: at(0), p50Seconds: at(0.5), p95Seconds: at(0.95), count: ready };
    }
    if (elapsed - lastLogged >= 10) {
      opts.log(`bench: ${ready}/${count} Ready after ${elapsed.toFixed(0)} s`);
      lastLogged = elapsed;
    }
    if (elapsed * 1000 > opts.timeoutMs) throw new Error(notReadyMessage(list.items, count, ready, elapsed));
    await sleep(POLL_MS);
  }
}

const readyCondition = (o: ListedObject): { status: string; reason?: string; message?: string } | undefined =>
  o.status?.conditions?.find((c) => c.type === 'Ready');

function notReadyMessage(items: ListedObject[], count: number, ready: number, elapsed: number): string {
  const stragglers = items
    .filter((o) => readyCondition(o)?.status !== 'True')
    .slice(0, 5)
    .map((o) => {
      const c = readyCondition(o);
      return `  ${o.metadata.name}: ${c ? `${c.reason ?? ''}: ${c.message ?? ''}` : 'no Ready condition yet'}`;
    });
  return `benchmark: only ${ready}/${count} Ready after ${elapsed.toFixed(0)} s; for example:\n${stragglers.join('\n')}`;
}

/** Nearest-rank percentile of ascending `sorted` (q in 0..1); q = 0 is the first value, not index -1. */
export function nearestRank(sorted: readonly number[], q: number): number | undefined {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createControllerMetrics } from '../../../../workers/metrics/controller-metrics.js';
import { TEMPORAL_SDK_METRICS } from '../../../../workers/metrics/temporal-sdk-metrics.js';
import { createWorkerMetrics } from '../../../../workers/metrics/worker-metrics.js';

const DASHBOARD = path.resolve(import.meta.dirname, '../../../../config/grafana/ballast.json');

/** PromQL words that are not metric names. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/**
 * Metric names in a PromQL expression: what is left once strings, label matchers, grouping
 * clauses, ranges, Grafana variables, functions and keywords are removed.
 */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = [...stripped.matchAll(/(?<![a-zA-Z0-9_:.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:]|\s*\()/g)]
    .map((m) => m[0])
    .filter((w) => !KEYWORDS.has(w) && !/^(inf|nan)$/i.test(w));
  return [...new Set(names)];
}

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

/** Every sample name Ballast's registries and its Temporal runtime serve. */
async function exportedNames(): Promise<Set<string>> {
  const worker = createWorkerMetrics(new Registry()).registry;
  const controller = new Registry();
  createControllerMetrics(controller, { cachedObjects: () => [] });
  const names = new Set<string>(TEMPORAL_SDK_METRICS);
  for (const registry of [worker, controller]) {
    for (const m of await registry.getMetricsAsJSON()) {
      const type = String(m.type);
      const suffixes =
        type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const s of suffixes) names.add(`${m.name}${s}`);
    }
  }
  return names;
}

describe('Grafana dashboard', () => {
  it('reads metric names out of PromQL', () => {
    assert.deepEqual(
      metricNames(
        'sum by (kind, le) (rate(gotk_reconcile_duration_seconds_bucket{exported_namespace=~"$namespace", a="b{c}"}[$__rate_interval])) / on(kind) group_left count(up) or vector(0)'
      ),
      ['gotk_reconcile_duration_seconds_bucket', 'up']
    );
    assert.deepEqual(metricNames('histogram_quantile(0.95, x_bucket) > 0'), ['x_bucket']);
  });

  it('queries only metrics Ballast exports', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as {
      uid?: string;
      panels: Panel[];
      templating?: { list?: { definition?: string }[] };
    };
    assert.equal(dashboard.uid, 'ballast');
    const exported = await exportedNames();
    const queries = allPanels(dashboard.panels)
      .filter((p) => p.type !== 'row')
      .flatMap((p) => {
        assert.ok((p.targets ?? []).length > 0, `panel "${p.title}" has no query`);
        return (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr ?? '' }));
      });
    for (const v of dashboard.templating?.list ?? [])
      if (v.definition)
        queries.push({ where: 'a variable', expr: v.definition.replace(/^label_values\((\w+),.*\)$/, '$1') });
    const used = new Set<string>();
    for (const { where, expr } of queries) {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${where} queries no metric: ${expr}`);
      for (const name of names) {
        assert.ok(exported.has(name), `${where} queries ${name}, which Ballast does not export`);
        used.add(name);
      }
    }
    for (const family of ['gotk_reconcile_duration_seconds_sum', 'gotk_resource_info', 'ballast_step_retries_total'])
      assert.ok(used.has(family), `the dashboard shows ${family}`);
  });
});

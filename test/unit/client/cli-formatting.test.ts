import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import { parse as parseYaml } from 'yaml';
import { eventRows } from '../../../client/cli/events.js';
import { inventoryItems, renderTree } from '../../../client/cli/inventory-tree.js';
import { formatAge, formatElapsed, renderData, renderTable, truncate } from '../../../client/cli/output.js';
import { outcomeLine } from '../../../client/cli/progress.js';
import { reconcileRows, snapshotRows } from '../../../client/cli/history-rows.js';
import type { ReconcileResult } from '../../../api/messages.js';

const plain = pc.createColors(false);
const now = new Date('2026-03-01T12:00:00Z');

describe('tables and data output', () => {
  it('aligns columns under an upper-case header, without borders or trailing spaces', () => {
    const text = renderTable(
      ['name', 'ready'],
      [
        ['a-long-name', 'True'],
        ['b', 'False'],
      ]
    );
    assert.equal(text, 'NAME          READY\na-long-name   True\nb             False\n');
  });

  it('prints JSON and YAML that parse back to the same data', () => {
    const data = [{ name: 'app', ready: 'True', suspended: false }];
    assert.deepEqual(JSON.parse(renderData('json', data)), data);
    assert.deepEqual(parseYaml(renderData('yaml', data)), data);
  });
});

describe('ages and durations', () => {
  const cases: [string | undefined, string][] = [
    ['2026-03-01T11:59:15Z', '45s'],
    ['2026-03-01T11:55:00Z', '5m'],
    ['2026-03-01T07:00:00Z', '5h'],
    ['2026-02-26T12:00:00Z', '3d'],
    ['2026-03-01T12:00:05Z', '0s'],
    [undefined, '-'],
    ['not a time', '-'],
  ];
  for (const [since, age] of cases) it(`age of ${since} is ${age}`, () => assert.equal(formatAge(since, now), age));

  it('rounds elapsed times for reading', () => {
    assert.equal(formatElapsed(850), '850ms');
    assert.equal(formatElapsed(1234), '1.2s');
    assert.equal(formatElapsed(123_400), '2m3s');
  });

  it('truncates to one line with an ellipsis', () => {
    assert.equal(truncate('one\n  two', 20), 'one two');
    assert.equal(truncate('abcdefghij', 5), 'abcd…');
  });
});

describe('reconcile outcome line', () => {
  const base: ReconcileResult = {
    ready: true,
    reason: 'ReconciliationSucceeded',
    message: 'Applied revision: main@sha1:abc',
    steps: ['load', 'build', 'apply'],
    durationMs: 1234,
  };
  it('success names the object, time, message and objects changed, after the steps', () => {
    assert.equal(
      outcomeLine('Kustomization apps/web', { ...base, objectsChanged: 2 }, plain),
      '  steps: load → build → apply\n✔ Kustomization apps/web reconciled in 1.2s: Applied revision: main@sha1:abc (2 objects changed)\n'
    );
  });
  it('failure carries the reason and message', () => {
    const line = outcomeLine(
      'Kustomization apps/web',
      { ...base, ready: false, reason: 'ArtifactFailed', message: "path './nope' not found", durationMs: 300 },
      plain
    );
    assert.match(line, /✖ Kustomization apps\/web failed after 300ms: ArtifactFailed: path '.\/nope' not found\n$/);
  });
});

describe('inventory tree', () => {
  it('groups by kind and namespace, names sorted, skipping unreadable ids', () => {
    const items = inventoryItems([
      { id: 'apps_b_apps_Deployment', v: 'v1' },
      { id: 'apps_a_apps_Deployment', v: 'v1' },
      { id: 'apps_cfg__ConfigMap', v: 'v1' },
      { id: '_apps__Namespace', v: 'v1' },
      { id: 'garbage', v: 'v1' },
    ]);
    assert.equal(items.length, 4);
    assert.deepEqual(items[0], { kind: 'Deployment', group: 'apps', version: 'v1', namespace: 'apps', name: 'b' });
    assert.equal(
      renderTree('Kustomization flux/apps', items),
      [
        'Kustomization flux/apps',
        '├── ConfigMap (apps)',
        '│   └── cfg',
        '├── Deployment.apps (apps)',
        '│   ├── a',
        '│   └── b',
        '└── Namespace (cluster-scoped)',
        '    └── apps',
        '',
      ].join('\n')
    );
  });
});

describe('history rows', () => {
  it('reads the workflow ring as succeeded/failed rows', () => {
    const rows = reconcileRows([
      {
        ready: false,
        reason: 'BuildFailed',
        message: 'bad',
        steps: [],
        durationMs: 5,
        finishedAt: '2026-03-01T11:00:00Z',
      },
      {
        ready: true,
        reason: 'ReconciliationSucceeded',
        message: 'ok',
        revision: 'main@sha1:1',
        steps: [],
        durationMs: 9,
        objectsChanged: 3,
      },
    ]);
    assert.deepEqual(rows, [
      {
        finishedAt: '2026-03-01T11:00:00Z',
        result: 'Failed',
        reason: 'BuildFailed',
        revision: '',
        durationMs: 5,
        message: 'bad',
      },
      {
        result: 'Succeeded',
        reason: 'ReconciliationSucceeded',
        revision: 'main@sha1:1',
        durationMs: 9,
        objectsChanged: 3,
        message: 'ok',
      },
    ]);
  });

  it('reads Flux snapshots and Helm release snapshots', () => {
    const rows = snapshotRows([
      {
        digest: 'sha256:d',
        lastReconciled: '2026-03-01T11:00:00Z',
        lastReconciledDuration: '1.5s',
        lastReconciledStatus: 'ReconciliationSucceeded',
        totalReconciliations: 4,
        metadata: { revision: 'main@sha1:1' },
      },
      {
        version: 2,
        status: 'deployed',
        chartName: 'podinfo',
        chartVersion: '6.0.0',
        lastDeployed: '2026-03-01T10:00:00Z',
        digest: 'x',
      },
    ]);
    assert.deepEqual(rows[0], {
      revision: 'main@sha1:1',
      status: 'ReconciliationSucceeded',
      at: '2026-03-01T11:00:00Z',
      duration: '1.5s',
      reconciles: 4,
      digest: 'sha256:d',
    });
    assert.equal(rows[1]?.revision, 'podinfo@6.0.0 (release v2)');
    assert.equal(rows[1]?.status, 'deployed');
    assert.deepEqual(snapshotRows(undefined), []);
  });
});

describe('event rows', () => {
  it('orders events oldest first and reads series counts', () => {
    const rows = eventRows([
      {
        metadata: {},
        involvedObject: {},
        type: 'Warning',
        reason: 'BuildFailed',
        message: 'm2',
        lastTimestamp: new Date('2026-03-01T11:00:00Z'),
        count: 3,
      },
      {
        metadata: {},
        involvedObject: {},
        type: 'Normal',
        reason: 'ReconciliationSucceeded',
        message: 'm1',
        eventTime: new Date('2026-03-01T10:00:00Z'),
        series: { count: 2, lastObservedTime: new Date('2026-03-01T10:30:00Z') },
        reportingComponent: 'ballast',
      },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.reason, r.count, r.lastSeen, r.source]),
      [
        ['ReconciliationSucceeded', 2, '2026-03-01T10:30:00.000Z', 'ballast'],
        ['BuildFailed', 3, '2026-03-01T11:00:00.000Z', ''],
      ]
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { pino } from 'pino';
import type { KubeClients } from '../../../../activities/kube/client.js';
import { NotificationSink } from '../../../../activities/notify/sink.js';
import type { NotificationRequest, NotificationWorkflowInput } from '../../../../api/notification.js';
import { event } from './fixtures.js';

interface Started {
  type: string;
  workflowId: string;
  taskQueue: string;
  input: NotificationWorkflowInput;
  request: NotificationRequest;
}

const alertItem = (namespace: string, name: string, provider: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Alert',
  metadata: { namespace, name },
  spec: {
    providerRef: { name: provider },
    eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'apps' }],
    ...spec,
  },
});

function sinkWith(items: unknown[], labels: Record<string, string> = {}, failSignal = false) {
  const started: Started[] = [];
  const warnings: string[] = [];
  const reads = { count: 0 };
  const kube = {
    custom: { listClusterCustomObject: async () => ({ items }) },
    objects: { read: async () => (reads.count++, { metadata: { labels } }) },
  } as unknown as KubeClients;
  const temporal = {
    workflow: {
      async signalWithStart(
        type: string,
        o: {
          workflowId: string;
          taskQueue: string;
          args: [NotificationWorkflowInput];
          signalArgs: [NotificationRequest];
        }
      ) {
        if (failSignal) throw new Error('temporal unavailable');
        started.push({
          type,
          workflowId: o.workflowId,
          taskQueue: o.taskQueue,
          input: o.args[0],
          request: o.signalArgs[0],
        });
      },
    },
  } as unknown as Client;
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const sink = new NotificationSink({
    kube,
    temporal,
    taskQueue: 'tq',
    cluster: 'local',
    log,
    delivery: { retentionMs: 60_000 },
  });
  return { sink, started, warnings, reads };
}

describe('NotificationSink', () => {
  it("queues the event on the delivery workflow of each matching Alert's Provider", async () => {
    const { sink, started } = sinkWith([
      alertItem('apps', 'slack-all', 'slack'),
      alertItem('ops', 'cross-ns', 'pager', { eventSeverity: 'error' }),
      alertItem('apps', 'other-kind', 'slack', { eventSources: [{ kind: 'HelmRelease', name: '*' }] }),
    ]);
    await sink.record(event());
    assert.equal(started.length, 1);
    assert.deepEqual(
      { type: started[0]!.type, workflowId: started[0]!.workflowId, taskQueue: started[0]!.taskQueue },
      { type: 'notificationWorkflow', workflowId: 'local/notify/apps/slack', taskQueue: 'tq' }
    );
    assert.deepEqual(started[0]!.input, {
      cluster: 'local',
      provider: { namespace: 'apps', name: 'slack' },
      retentionMs: 60_000,
    });
    assert.deepEqual(started[0]!.request.alert, { namespace: 'apps', name: 'slack-all' });

    started.length = 0;
    await sink.record(event({ severity: 'error' }));
    assert.deepEqual(started.map((s) => s.workflowId).sort(), ['local/notify/apps/slack', 'local/notify/ops/pager']);
  });

  it('reads labels only for matchLabels and matches on them', async () => {
    const items = [
      alertItem('apps', 'web', 'slack', {
        eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'web' } }],
      }),
    ];
    const web = sinkWith(items, { team: 'web' });
    await web.sink.record(event());
    assert.equal(web.started.length, 1);
    const db = sinkWith(items, { team: 'db' });
    await db.sink.record(event());
    assert.equal(db.started.length, 0);
    const plain = sinkWith([alertItem('apps', 'all', 'slack')]);
    await plain.sink.record(event());
    assert.equal(plain.reads.count, 0, 'no matchLabels: the object is not read');
  });

  it('skips an invalid Alert with a warning naming it and the field', async () => {
    const { sink, started, warnings } = sinkWith([
      alertItem('apps', 'broken', 'slack', { inclusionList: ['(oops'] }),
      alertItem('apps', 'fine', 'slack'),
    ]);
    await sink.record(event());
    assert.equal(started.length, 1);
    assert.match(warnings.join(''), /apps\/broken.*spec\.inclusionList\[0\]/);
  });

  it('throws when an event cannot be queued, so a retrying caller records it again', async () => {
    const { sink } = sinkWith([alertItem('apps', 'a', 'slack')], {}, true);
    await assert.rejects(sink.record(event()), /apps\/a: Error: temporal unavailable/);
  });
});

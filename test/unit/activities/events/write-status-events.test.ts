import type { CustomObjectsApi } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventSink, FluxEvent } from '../../../../api/events.js';
import type { KubeClients } from '../../../../activities/kube/client.js';
import { createStatusActivities } from '../../../../activities/kustomization/status.js';
import type { StatusInput } from '../../../../activities/kustomization/types.js';

/** One Kustomization whose status is kept in memory; `failPatch` makes the status patch fail. */
function fakeKube(opts: { failPatch?: boolean } = {}): { kube: KubeClients; status: () => Record<string, unknown> } {
  let status: Record<string, unknown> = {};
  const custom = {
    async getNamespacedCustomObject() {
      return { metadata: { name: 'web', namespace: 'apps', uid: 'u-1', generation: 2 }, status };
    },
    async patchNamespacedCustomObjectStatus({ body }: { body: { status: Record<string, unknown> } }) {
      if (opts.failPatch) throw new Error('apiserver unavailable');
      status = { ...status, ...body.status };
    },
  };
  return { kube: { custom: custom as unknown as CustomObjectsApi } as KubeClients, status: () => status };
}

const ref = { namespace: 'apps', name: 'web' };
const failed = (message: string): StatusInput => ({
  ref,
  ready: { status: 'False', reason: 'BuildFailed', message },
  lastAttemptedRevision: 'main@sha1:b',
});
const succeeded: StatusInput = {
  ref,
  ready: { status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:b' },
  lastAppliedRevision: 'main@sha1:b',
};

/** An activity logger that keeps warnings and drops the rest. */
function recordingLogger(warnings: string[] = []): ConstructorParameters<typeof MockActivityEnvironment>[1] {
  const drop = (): void => {};
  const warn = (msg: string, meta?: Record<string, unknown>): void =>
    void warnings.push(`${msg}: ${String(meta?.err)}`);
  return { logger: { log: drop, trace: drop, debug: drop, info: drop, warn, error: drop } };
}

/** `writeStatus` of the status activities, bound so the mock environment can call it. */
function statusWriter(deps: Parameters<typeof createStatusActivities>[0]): (input: StatusInput) => Promise<void> {
  const activities = createStatusActivities(deps);
  return (input) => activities.writeStatus(input);
}

describe('writeStatus events', () => {
  it('records the events of each change after the patch, by Flux’s rules', async () => {
    const { kube } = fakeKube();
    const seen: FluxEvent[] = [];
    const writeStatus = statusWriter({ kube, events: { record: async (e) => void seen.push(e) } });
    const env = new MockActivityEnvironment();
    await env.run(writeStatus, failed('kustomize build failed'));
    await env.run(writeStatus, failed('kustomize build failed'));
    await env.run(writeStatus, succeeded);
    await env.run(writeStatus, succeeded);
    assert.deepEqual(
      seen.map((e) => `${e.reason}/${e.severity}`),
      ['BuildFailed/error', 'BuildFailed/error', 'ReconciliationSucceeded/info']
    );
    assert.deepEqual(seen[0]?.involvedObject, {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      namespace: 'apps',
      name: 'web',
      uid: 'u-1',
    });
    assert.equal(seen[0]?.metadata['kustomize.toolkit.fluxcd.io/revision'], 'main@sha1:b');
  });

  it('still writes status when the event sink fails, and logs instead', async () => {
    const { kube, status } = fakeKube();
    const warnings: string[] = [];
    const sink: EventSink = { record: () => Promise.reject(new Error('events forbidden')) };
    const writeStatus = statusWriter({ kube, events: sink });
    await new MockActivityEnvironment(undefined, recordingLogger(warnings)).run(writeStatus, failed('boom'));
    assert.equal(status().lastAttemptedRevision, 'main@sha1:b');
    assert.deepEqual(warnings, ['event not recorded: Error: events forbidden']);
  });

  it('records nothing when the status patch fails', async () => {
    const { kube } = fakeKube({ failPatch: true });
    const seen: FluxEvent[] = [];
    const writeStatus = statusWriter({ kube, events: { record: async (e) => void seen.push(e) } });
    const env = new MockActivityEnvironment(undefined, recordingLogger());
    await assert.rejects(env.run(writeStatus, failed('boom')), /apiserver unavailable/);
    assert.deepEqual(seen, []);
  });
});

import { ApiException, type CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FluxEvent } from '../../../../api/events.js';
import { createKubeEventSink, kubeEventName, toKubeEvent } from '../../../../activities/events/kube-events.js';

const event = (over: Partial<FluxEvent> = {}): FluxEvent => ({
  involvedObject: {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    namespace: 'apps',
    name: 'web',
    uid: 'u-1',
  },
  severity: 'error',
  timestamp: '2026-01-02T03:04:05.000Z',
  message: 'kustomize build failed',
  reason: 'BuildFailed',
  metadata: { 'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:a' },
  reportingController: 'kustomize-controller',
  ...over,
});

const apiError = (code: number): ApiException<string> => new ApiException(code, `HTTP ${code}`, '', {});

/** An in-memory events API with the apiserver's create/replace conflict rules. */
function fakeCore(): { core: CoreV1Api; stored: Map<string, CoreV1Event>; calls: string[] } {
  const stored = new Map<string, CoreV1Event>();
  const calls: string[] = [];
  let rv = 0;
  const core = {
    async createNamespacedEvent({ body }: { namespace: string; body: CoreV1Event }) {
      calls.push('create');
      const name = body.metadata.name ?? '';
      if (stored.has(name)) throw apiError(409);
      stored.set(name, { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } });
      return body;
    },
    async readNamespacedEvent({ name }: { name: string }) {
      calls.push('read');
      const found = stored.get(name);
      if (!found) throw apiError(404);
      return structuredClone(found);
    },
    async replaceNamespacedEvent({ name, body }: { name: string; body: CoreV1Event }) {
      calls.push('replace');
      if (stored.get(name)?.metadata.resourceVersion !== body.metadata.resourceVersion) throw apiError(409);
      stored.set(name, { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } });
      return body;
    },
  };
  return { core: core as unknown as CoreV1Api, stored, calls };
}

describe('Kubernetes event sink', () => {
  it("writes a core/v1 Event shaped like Flux's recorder writes it", () => {
    const e = toKubeEvent(event(), 'worker-0');
    assert.equal(e.metadata.namespace, 'apps');
    assert.match(e.metadata.name ?? '', /^web\.[0-9a-f]{16}$/);
    assert.deepEqual(e.metadata.annotations, { 'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:a' });
    assert.deepEqual(e.involvedObject, {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      namespace: 'apps',
      name: 'web',
      uid: 'u-1',
    });
    assert.equal(e.type, 'Warning');
    assert.equal(e.reason, 'BuildFailed');
    assert.deepEqual(e.source, { component: 'kustomize-controller', host: 'worker-0' });
    assert.equal(e.reportingComponent, 'kustomize-controller');
    assert.equal(e.count, 1);
    assert.equal(toKubeEvent(event({ severity: 'info' }), 'w').type, 'Normal');
  });

  it('names the same event the same, and a different message differently', () => {
    assert.equal(kubeEventName(event()), kubeEventName(event({ timestamp: '2027-01-01T00:00:00Z' })));
    assert.notEqual(kubeEventName(event()), kubeEventName(event({ message: 'other' })));
    const long = 'x'.repeat(300);
    const name = kubeEventName(event({ involvedObject: { ...event().involvedObject, name: long } }));
    assert.ok(name.length <= 253, `${name.length}`);
  });

  it('folds a repeat into the existing Event: count and lastTimestamp, not a new object', async () => {
    const { core, stored } = fakeCore();
    const sink = createKubeEventSink({ core, instance: 'worker-0' });
    await sink.record(event());
    await sink.record(event({ timestamp: '2026-01-02T03:09:05.000Z' }));
    await sink.record(event({ message: 'a different failure' }));
    assert.equal(stored.size, 2);
    const folded = stored.get(kubeEventName(event()));
    assert.equal(folded?.count, 2);
    assert.equal(folded?.lastTimestamp?.toISOString(), '2026-01-02T03:09:05.000Z');
    assert.equal(folded?.firstTimestamp?.toISOString(), '2026-01-02T03:04:05.000Z');
  });

  it('creates again when the existing Event expired between the conflict and the read', async () => {
    const { core, stored, calls } = fakeCore();
    const racing = {
      ...core,
      async readNamespacedEvent(args: { name: string; namespace: string }) {
        const r = await core.readNamespacedEvent(args);
        stored.clear();
        return r;
      },
    } as unknown as CoreV1Api;
    const sink = createKubeEventSink({ core: racing });
    await sink.record(event());
    await sink.record(event());
    assert.deepEqual(calls, ['create', 'create', 'read', 'replace', 'create']);
    assert.equal(stored.get(kubeEventName(event()))?.count, 1);
  });

  it('passes on errors that retrying will not fix', async () => {
    const { core } = fakeCore();
    const forbidden = {
      ...core,
      createNamespacedEvent: () => Promise.reject(apiError(403)),
    } as unknown as CoreV1Api;
    await assert.rejects(createKubeEventSink({ core: forbidden }).record(event()), (err: ApiException<string>) => {
      assert.equal(err.code, 403);
      return true;
    });
  });
});

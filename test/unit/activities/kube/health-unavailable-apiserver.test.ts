import { ApiException } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeClients } from '../../../../activities/kube/client.js';
import { waitHealthy } from '../../../../activities/kube/health.js';

const target = { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'ns' };
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'ns' } };

/** A client whose reads fail with `errors` in turn, then return the ConfigMap. */
function flakyKube(errors: Error[]): { kube: KubeClients; reads: () => number } {
  let reads = 0;
  const read = (): Promise<unknown> => {
    const err = errors[reads++];
    return err === undefined ? Promise.resolve(configMap) : Promise.reject(err);
  };
  return { kube: { objects: { read } } as unknown as KubeClients, reads: () => reads };
}

describe('waitHealthy while the apiserver is unavailable', () => {
  it('keeps polling through connection errors, 429 and 5xx, then reports healthy', async () => {
    const { kube, reads } = flakyKube([
      new TypeError('fetch failed'),
      new ApiException(429, 'storage is (re)initializing', '', {}),
      new ApiException(503, 'unavailable', '', {}),
    ]);
    const result = await waitHealthy(kube, [target], { timeoutMs: 10_000, pollMs: 1 });
    assert.equal(result.healthy, true);
    assert.equal(reads(), 4);
  });

  it('times out as not healthy, naming the read error, when the apiserver never comes back', async () => {
    const { kube } = flakyKube(Array.from({ length: 10_000 }, () => new TypeError('fetch failed')));
    const result = await waitHealthy(kube, [target], { timeoutMs: 30, pollMs: 5 });
    assert.equal(result.healthy, false);
    assert.match(result.message, /timed out.*ConfigMap\/ns\/settings Unknown: cannot read it: TypeError: fetch failed/);
  });

  it('still fails at once on a permanent error such as 403', async () => {
    const { kube } = flakyKube([new ApiException(403, 'forbidden', '', {})]);
    await assert.rejects(waitHealthy(kube, [target], { timeoutMs: 10_000, pollMs: 1 }), /forbidden|403/);
  });
});

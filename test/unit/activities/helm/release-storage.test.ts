import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeRelease, markPendingReleaseFailed } from '../../../../activities/helm/release-storage.js';

/** A storage Secret as the API returns it: data.release is base64 of helm's base64(gzip(JSON)). */
function storedSecret(status: string): V1Secret {
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify({ name: 'app', version: 2, info: { status } }))).toString(
    'base64'
  );
  return {
    metadata: { name: 'sh.helm.release.v1.app.v2', namespace: 'apps', resourceVersion: '7', labels: { status } },
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  };
}

function fakeCore(secret: V1Secret): { core: CoreV1Api; replaced: V1Secret[] } {
  const replaced: V1Secret[] = [];
  const core = {
    readNamespacedSecret: async ({ name }: { name: string }) => {
      assert.equal(name, 'sh.helm.release.v1.app.v2');
      return secret;
    },
    replaceNamespacedSecret: async ({ body }: { body: V1Secret }) => (replaced.push(body), body),
  } as unknown as CoreV1Api;
  return { core, replaced };
}

describe("helm's release records", () => {
  it('marks a pending-upgrade revision failed in both the record and its status label', async () => {
    const { core, replaced } = fakeCore(storedSecret('pending-upgrade'));
    const ref = { releaseName: 'app', namespace: 'apps', revision: 2 };
    assert.equal(await markPendingReleaseFailed(core, ref, 'helm died'), 'pending-upgrade');
    assert.equal(replaced.length, 1);
    const body = replaced[0]!;
    assert.equal(body.metadata?.labels?.status, 'failed');
    assert.equal(body.metadata?.resourceVersion, '7', 'the replace is conditional on what was read');
    const release = decodeRelease(body.data!.release!);
    assert.deepEqual(release.info, { status: 'failed', description: 'helm died' });
    assert.equal(release.name, 'app', 'the rest of the record is kept');
  });

  it('leaves a revision that is no longer pending alone', async () => {
    const { core, replaced } = fakeCore(storedSecret('failed'));
    assert.equal(
      await markPendingReleaseFailed(core, { releaseName: 'app', namespace: 'apps', revision: 2 }, 'x'),
      'failed'
    );
    assert.equal(replaced.length, 0);
  });
});

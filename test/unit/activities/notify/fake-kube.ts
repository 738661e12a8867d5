/** An in-memory stand-in for the Kubernetes reads the notify activities make. */
import { ApiException } from '@kubernetes/client-node';
import type { KubeClients } from '../../../../activities/kube/client.js';

const notFound = (what: string): ApiException<unknown> => new ApiException(404, `${what} not found`, {}, {});

/** Providers and Secrets by `<namespace>/<name>`; mutate them between calls to play a rotation. */
export interface FakeCluster {
  providers: Map<string, Record<string, unknown>>;
  secrets: Map<string, Record<string, string>>;
  kube: KubeClients;
}

export function fakeCluster(): FakeCluster {
  const providers = new Map<string, Record<string, unknown>>();
  const secrets = new Map<string, Record<string, string>>();
  const kube = {
    custom: {
      async getNamespacedCustomObject({ namespace, name }: { namespace: string; name: string }) {
        const p = providers.get(`${namespace}/${name}`);
        if (!p) throw notFound(`provider ${name}`);
        return structuredClone(p);
      },
    },
    core: {
      async readNamespacedSecret({ namespace, name }: { namespace: string; name: string }) {
        const s = secrets.get(`${namespace}/${name}`);
        if (!s) throw notFound(`secret ${name}`);
        return { data: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
      },
    },
  } as unknown as KubeClients;
  return { providers, secrets, kube };
}

/** A Provider object as the apiserver returns it. */
export function providerObject(
  name: string,
  spec: Record<string, unknown>,
  namespace = 'apps'
): Record<string, unknown> {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name, namespace, uid: '0c9c2e41-aaaa-bbbb-cccc-dddddddddddd' },
    spec,
  };
}

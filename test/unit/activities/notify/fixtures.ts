/** Events and Provider targets for the notify tests. */
import type { FluxEvent } from '../../../../api/events.js';
import type { ProviderType } from '../../../../api/provider.js';
import { ProviderHttp } from '../../../../activities/notify/http.js';
import { DEFAULT_API_URLS, type ProviderTarget } from '../../../../activities/notify/types.js';

export const SHA = '5394cb7f48332b2de7c17dd8b8384bbc84b7e738';

/** A Kustomization event as Ballast's status writer emits it, after Alert metadata merging. */
export function event(overrides: Partial<FluxEvent> = {}): FluxEvent {
  return {
    involvedObject: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      namespace: 'apps',
      name: 'podinfo',
      uid: '3a0a2a8c-1111-2222-3333-444455556666',
    },
    severity: 'info',
    timestamp: '2026-01-02T03:04:05Z',
    message: 'Applied revision: main@sha1:' + SHA,
    reason: 'ReconciliationSucceeded',
    metadata: { revision: `main@sha1:${SHA}`, summary: 'prod cluster' },
    reportingController: 'kustomize-controller',
    ...overrides,
  };
}

/** A target of `type` at `address`, with the given credentials. */
export function target(type: ProviderType, address: string, extra: Partial<ProviderTarget> = {}): ProviderTarget {
  const secrets = [extra.token, extra.password, ...Object.values(extra.headers ?? {})].filter(
    (s): s is string => typeof s === 'string'
  );
  return {
    type,
    namespace: 'apps',
    name: 'hook',
    address,
    headers: {},
    commitStatus: 'kustomization/podinfo/0c9c2e41',
    http: new ProviderHttp({ providerType: type, timeoutMs: 5_000, secrets }),
    apiUrls: DEFAULT_API_URLS,
    ...extra,
  };
}

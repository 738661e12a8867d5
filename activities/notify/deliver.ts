/**
 * The `deliverNotification` activity: sends one queued event to its Provider. It reads the
 * Provider and its Secrets now, at send time, so a rotated token is used at once and no
 * credential ever enters workflow history; it applies Flux's Provider gating, then the
 * Provider type's notifier. Failures are classified for the workflow's retry policy:
 * misconfiguration and 4xx answers are non-retryable, outages and 5xx are retried with backoff
 * until the event's retention ends.
 *
 * @module
 */
import { Context } from '@temporalio/activity';
import type { DeliverNotificationInput, DeliverNotificationResult } from '../../api/notification.js';
import { parseDuration, validate } from '../../api/meta.js';
import {
  DEFAULT_PROVIDER_TIMEOUT,
  ProviderKind,
  ProviderSchema,
  SUPPORTED_PROVIDER_TYPES,
  type Provider,
} from '../../api/provider.js';
import type { KubeClients } from '../kube/client.js';
import { readFluxObject } from '../kube/flux-objects.js';
import { invalidConfig } from './config-errors.js';
import { skipReason } from './gating.js';
import { ProviderHttp } from './http.js';
import { readProviderCredentials } from './provider-credentials.js';
import { createReportActivities, type ReportNotificationFailureInput } from './report.js';
import { NOTIFIERS } from './providers/index.js';
import { buildDispatcher } from './transport.js';
import { DEFAULT_API_URLS, type ProviderApiUrls, type ProviderTarget } from './types.js';

/** Longest time one request may take, whatever `spec.timeout` says; below the activity's start-to-close. */
export const MAX_SEND_TIMEOUT_MS = 60_000;

/** What the notify activities need. */
export interface NotifyActivityDeps {
  kube: KubeClients;
  /** Override fixed API addresses (tests point Bitbucket Cloud at a local server). */
  apiUrls?: Partial<ProviderApiUrls>;
}

/** The activities of the notify domain. */
export interface NotifyActivities {
  deliverNotification(input: DeliverNotificationInput): Promise<DeliverNotificationResult>;
  reportNotificationFailure(input: ReportNotificationFailureInput): Promise<void>;
}

/** Builds the notify activities. */
export function createNotifyActivities(deps: NotifyActivityDeps): NotifyActivities {
  const apiUrls = { ...DEFAULT_API_URLS, ...deps.apiUrls };
  return {
    ...createReportActivities(deps),
    async deliverNotification({ provider: ref, request }) {
      const provider = await loadProvider(deps.kube, ref);
      const skip = skipReason(provider.spec, request);
      if (skip) return { outcome: 'skipped', detail: skip };
      const notifier = notifierFor(provider);
      const creds = await readProviderCredentials(deps.kube, provider);
      const dispatcher = buildDispatcher(creds.tls, creds.proxy);
      const http = new ProviderHttp({
        providerType: provider.spec.type,
        timeoutMs: Math.min(parseDuration(provider.spec.timeout ?? DEFAULT_PROVIDER_TIMEOUT), MAX_SEND_TIMEOUT_MS),
        dispatcher,
        secrets: creds.secretValues,
        signal: Context.current().cancellationSignal,
      });
      const target: ProviderTarget = {
        type: provider.spec.type,
        namespace: ref.namespace,
        name: ref.name,
        address: creds.address,
        channel: provider.spec.channel,
        // Basic-auth credentials in the Secret name the sender, as in Flux.
        username:
          creds.username !== undefined && creds.password !== undefined ? creds.username : provider.spec.username,
        token: creds.token,
        password: creds.password,
        headers: creds.headers,
        commitStatus: defaultCommitStatus(provider, request.event.involvedObject),
        http,
        apiUrls,
      };
      try {
        const result = await notifier(request.event, target);
        Context.current().log.info('notification sent', {
          provider: `${ref.namespace}/${ref.name}`,
          type: provider.spec.type,
          alert: `${request.alert.namespace}/${request.alert.name}`,
          outcome: result.outcome,
        });
        return result.outcome === 'delivered' ? { outcome: 'delivered' } : result;
      } finally {
        await dispatcher?.close();
      }
    },
  };
}

async function loadProvider(kube: KubeClients, ref: { namespace: string; name: string }): Promise<Provider> {
  const raw = await readFluxObject<unknown>(kube.custom, {
    group: ProviderKind.group,
    version: ProviderKind.version,
    plural: ProviderKind.plural,
    ...ref,
  });
  if (raw === undefined) throw invalidConfig(ref, 'not found');
  const parsed = validate(ProviderSchema, raw);
  if (!parsed.ok) throw invalidConfig(ref, `invalid spec: ${parsed.message}`);
  return parsed.value;
}

function notifierFor(provider: Provider): (typeof NOTIFIERS)[keyof typeof NOTIFIERS] {
  const ref = { namespace: provider.metadata.namespace ?? '', name: provider.metadata.name };
  const type = provider.spec.type;
  if (!(SUPPORTED_PROVIDER_TYPES as readonly string[]).includes(type)) {
    throw invalidConfig(
      ref,
      `type ${type} is not supported by Ballast; supported: ${SUPPORTED_PROVIDER_TYPES.join(', ')}`
    );
  }
  if (provider.spec.commitStatusExpr !== undefined) {
    throw invalidConfig(
      ref,
      'spec.commitStatusExpr (CEL) is not supported by Ballast yet; remove it to use the default context'
    );
  }
  if (provider.spec.serviceAccountName !== undefined) {
    throw invalidConfig(ref, 'spec.serviceAccountName (workload identity) is not supported by Ballast; use secretRef');
  }
  return NOTIFIERS[type as keyof typeof NOTIFIERS];
}

/** Flux's default commit status context: `<kind>/<name>/<first segment of the Provider's UID>`, lower case. */
export function defaultCommitStatus(provider: Provider, object: { kind: string; name: string }): string {
  const uid = (provider.metadata.uid ?? '').split('-')[0];
  return `${object.kind}/${object.name}/${uid}`.toLowerCase();
}

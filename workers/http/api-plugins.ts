/**
 * The route plugins of the controller's HTTP server, composed in one place so the entry point
 * and the integration tests serve exactly the same routes.
 *
 * @module
 */
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { KubeClients } from '../../activities/kube/client.js';
import { notConfigured, parseSecretRef, secretTokenSource } from './api-auth.js';
import { reconcileApiRoutes } from './api.js';
import { codecServerRoutes, type CodecServerOptions } from './codec-server.js';
import { openApiRoute } from './openapi.js';
import { receiverRoutes, type ReceiverDirectory } from './receivers/routes.js';

/** What the controller's routes need. */
export interface ControllerRoutesOptions {
  temporal: Client;
  kube: KubeClients;
  clusterName: string;
  fieldManager: string;
  /** `namespace/name` of the API token Secret; the reconcile API refuses every call without it. */
  apiTokenSecret?: string;
  receivers: ReceiverDirectory;
  /** The payload codec server, served when codec keys are configured (authenticated like the API). */
  codecServer?: Omit<CodecServerOptions, 'token'>;
  log: Logger;
  /** Largest webhook body in bytes; Flux's 3 MiB by default. */
  webhookBodyLimit?: number;
}

/** The reconcile API, its OpenAPI document, the webhook receivers and (with codec keys) the codec server. */
export function controllerRoutes(opts: ControllerRoutesOptions): FastifyPluginAsync[] {
  const token = opts.apiTokenSecret ? secretTokenSource(opts.kube, parseSecretRef(opts.apiTokenSecret)) : notConfigured;
  return [
    reconcileApiRoutes({ temporal: opts.temporal, clusterName: opts.clusterName, token }),
    openApiRoute,
    receiverRoutes({
      directory: opts.receivers,
      kube: opts.kube,
      fieldManager: opts.fieldManager,
      log: opts.log,
      bodyLimit: opts.webhookBodyLimit,
    }),
    ...(opts.codecServer ? [codecServerRoutes({ ...opts.codecServer, token })] : []),
  ];
}

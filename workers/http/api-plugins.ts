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
  log: Logger;
  /** Largest webhook body in bytes; Flux's 3 MiB by default. */
  webhookBodyLimit?: number;
}

/** The reconcile API, its OpenAPI document and the webhook receivers. */
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
  ];
}

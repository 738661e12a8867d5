/**
 * The reconcile API of the controller process:
 *
 * - `POST /api/v1/reconcile/{kind}/{namespace}/{name}` asks for a reconcile and answers with its
 *   result; with `?wait=false` it answers 202 and a handle as soon as the workflow accepted it.
 * - `GET  /api/v1/reconcile/{kind}/{namespace}/{name}` answers the workflow's progress and last
 *   result, or, with `?update=<id>&run=<runId>` from a 202, that request's state.
 *
 * Every call needs `Authorization: Bearer <token>`. Concurrent POSTs for one object that reach the
 * workflow before its next pass starts share that pass (the workflow coalesces them).
 *
 * @module
 */
import { ServiceError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { formatIssues } from '../../api/meta.js';
import type { ObjectRef } from '../../api/workflow-ids.js';
import { NoReconcilerError, reconcileAndWait, reconcileProgress } from '../../client/reconcile.js';
import { checkBearer, type TokenSource } from './api-auth.js';
import { RECONCILABLE_KINDS, resolveKind } from './api-kinds.js';
import { ObjectParamsSchema, ReconcileQuerySchema, StatusQuerySchema, type ReconcileAccepted } from './api-schemas.js';
import { reconcileOutcome, startReconcile, UnknownRequestError } from './api-updates.js';

/** Prefix of the reconcile routes. */
export const RECONCILE_API_PREFIX = '/api/v1/reconcile';

/** Options of {@link reconcileApiRoutes}. */
export interface ReconcileApiOptions {
  temporal: Client;
  /** The first segment of every workflow ID (the config's clusterName). */
  clusterName: string;
  token: TokenSource;
}

type ObjectRoute = { Params: Record<string, string>; Querystring: Record<string, string> };

/** The reconcile routes as a fastify plugin; authentication applies to these routes only. */
export function reconcileApiRoutes(opts: ReconcileApiOptions): FastifyPluginAsync {
  return (app) => {
    app.addHook('onRequest', async (req, reply) => {
      const verdict = checkBearer(req.headers.authorization, await opts.token.expected());
      if (verdict.ok) return;
      if (verdict.code === 401) void reply.header('www-authenticate', 'Bearer realm="ballast"');
      return reply.code(verdict.code).send({ error: verdict.error });
    });

    app.post<ObjectRoute>(`${RECONCILE_API_PREFIX}/:kind/:namespace/:name`, async (req, reply) => {
      const ref = objectRef(req, reply, opts.clusterName);
      const query = ref && parseOr400(ReconcileQuerySchema, req.query, reply);
      if (!ref || !query) return reply;
      if (query.wait === 'true') return await reconcileAndWait(opts.temporal, ref, { reason: 'manual' });
      const started = await startReconcile(opts.temporal, ref);
      const poll = `${req.url.split('?')[0]}?update=${encodeURIComponent(started.updateId)}&run=${encodeURIComponent(started.runId)}`;
      const body: ReconcileAccepted = { ...started, poll };
      return reply.code(202).header('location', poll).send(body);
    });

    app.get<ObjectRoute>(`${RECONCILE_API_PREFIX}/:kind/:namespace/:name`, async (req, reply) => {
      const ref = objectRef(req, reply, opts.clusterName);
      const query = ref && parseOr400(StatusQuerySchema, req.query, reply);
      if (!ref || !query) return reply;
      if (!query.update) return await reconcileProgress(opts.temporal, ref);
      const result = await reconcileOutcome(opts.temporal, ref, { updateId: query.update, runId: query.run });
      if (result) return { updateId: query.update, state: 'completed', result };
      return { updateId: query.update, state: 'running', progress: await reconcileProgress(opts.temporal, ref) };
    });

    app.setErrorHandler(async (err, req, reply) => {
      const { code, message } = describeError(err);
      if (code >= 500) req.log.error({ err }, 'reconcile API call failed');
      return reply.code(code).send({ error: message });
    });
    return Promise.resolve();
  };
}

/** The object the path names, or undefined after answering 400. */
function objectRef(req: FastifyRequest<ObjectRoute>, reply: FastifyReply, cluster: string): ObjectRef | undefined {
  const params = parseOr400(ObjectParamsSchema, req.params, reply);
  if (!params) return undefined;
  const kind = resolveKind(params.kind);
  if (!kind) {
    void reply.code(400).send({ error: `unknown kind "${params.kind}": want one of ${RECONCILABLE_KINDS.join(', ')}` });
    return undefined;
  }
  return { cluster, kind, namespace: params.namespace, name: params.name };
}

function parseOr400<T>(schema: z.ZodType<T>, input: unknown, reply: FastifyReply): T | undefined {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  void reply.code(400).send({ error: formatIssues(parsed.error).replace(/\n/g, '; ') });
  return undefined;
}

/** Maps a failure to the status code a caller can act on. */
function describeError(err: unknown): { code: number; message: string } {
  if (err instanceof NoReconcilerError || err instanceof UnknownRequestError)
    return { code: 404, message: err.message };
  if (err instanceof WorkflowUpdateFailedError) {
    return { code: 409, message: `the workflow refused the reconcile: ${err.cause?.message ?? err.message}` };
  }
  if (err instanceof ServiceError) return { code: 503, message: `Temporal is unavailable: ${err.message}` };
  const status = (err as { statusCode?: number }).statusCode;
  if (status !== undefined && status >= 400 && status < 500) return { code: status, message: (err as Error).message };
  return { code: 500, message: 'internal error; see the controller log' };
}

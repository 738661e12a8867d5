/**
 * The webhook endpoint of every Receiver: `POST /hook/<digest>`. The path names the Receiver (it
 * is in its `status.webhookPath`), the request is checked per Receiver type, and on success every
 * target gets a reconcile request. Status codes are Flux's: 404 unknown path, 503 suspended or
 * not Ready, 400 failed check, 413 body too large, 500 when a target could not be annotated.
 *
 * @module
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { isReady } from '../../../api/conditions.js';
import { WEBHOOK_PATH_PREFIX, type Receiver } from '../../../api/receiver.js';
import type { KubeClients } from '../../../activities/kube/client.js';
import { readSecretStrings } from '../../../activities/kube/secrets.js';
import { requestReconciles } from './targets.js';
import { validateWebhook } from './validate.js';

/** Finds a Receiver by the webhook path in its status (the controller's Receiver watcher). */
export interface ReceiverDirectory {
  byWebhookPath(path: string): Receiver | undefined;
}

/** Options of {@link receiverRoutes}. */
export interface ReceiverRoutesOptions {
  directory: ReceiverDirectory;
  kube: KubeClients;
  fieldManager: string;
  log: Logger;
  /** Largest body accepted, in bytes; Flux's limit, 3 MiB, by default. */
  bodyLimit?: number;
}

/** Flux's notification-controller refuses bodies over 3 MiB. */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;

/** The `/hook/:digest` route as a fastify plugin. */
export function receiverRoutes(opts: ReceiverRoutesOptions): FastifyPluginAsync {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_WEBHOOK_BODY_LIMIT;
  const log = opts.log.child({ component: 'receiver' });
  return (app) => {
    // Signatures cover the bytes sent, so this (encapsulated) plugin keeps every body as raw bytes.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    app.post<{ Params: { digest: string } }>(`${WEBHOOK_PATH_PREFIX}:digest`, { bodyLimit }, async (req, reply) => {
      const receiver = opts.directory.byWebhookPath(`${WEBHOOK_PATH_PREFIX}${req.params.digest}`);
      if (!receiver) return fail(reply, 404, 'no Receiver has this webhook path');
      const who = { receiver: `${receiver.metadata.namespace}/${receiver.metadata.name}` };
      if (receiver.spec.suspend) return fail(reply, 503, 'the Receiver is suspended');
      if (!isReady(receiver.status.conditions)) return fail(reply, 503, 'the Receiver is not ready');
      const token = await readToken(opts.kube, receiver);
      if (!token.ok) {
        log.warn({ ...who, reason: token.message }, 'cannot validate webhook');
        return fail(reply, 400, token.message);
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict = validateWebhook(receiver.spec, { headers: req.headers, body }, token.token);
      if (!verdict.ok) {
        log.warn({ ...who, reason: verdict.message }, 'webhook rejected');
        return fail(reply, 400, verdict.message);
      }
      const outcome = await requestReconciles(
        { objects: opts.kube.objects, fieldManager: opts.fieldManager, log },
        receiver
      );
      const annotated = outcome.annotated.map((t) => `${t.kind}/${t.namespace}/${t.name}`);
      log.info({ ...who, event: verdict.event, annotated, errors: outcome.errors }, 'webhook handled');
      if (outcome.errors.length > 0) return reply.code(500).send({ error: outcome.errors.join('; '), annotated });
      return reply.code(200).send({ annotated });
    });
    return Promise.resolve();
  };
}

function fail(reply: FastifyReply, code: number, error: string): FastifyReply {
  return reply.code(code).send({ error });
}

/** The Receiver's token, read at request time as Flux does, so a rotated Secret applies at once. */
async function readToken(
  kube: KubeClients,
  receiver: Receiver
): Promise<{ ok: true; token: string } | { ok: false; message: string }> {
  const ref = receiver.spec.secretRef;
  if (!ref) return { ok: false, message: 'the Receiver has no secretRef' };
  const namespace = receiver.metadata.namespace ?? '';
  const data = await readSecretStrings(kube, namespace, ref.name);
  const token = data?.token;
  if (token === undefined) return { ok: false, message: `Secret ${namespace}/${ref.name} has no key "token"` };
  return { ok: true, token };
}

/**
 * The HTTP server of a Ballast process: liveness, readiness and Prometheus metrics for every
 * process, plus whatever route plugins the process adds (the controller adds the reconcile API and
 * the webhook receivers). Fastify, because it gives schema-validated routes, body limits and
 * clean shutdown without hand-written plumbing.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface HttpServerOptions {
  log: Logger;
  /** Metrics served on GET /metrics. */
  registry: Registry;
  /** False while starting or draining: GET /readyz answers 503 so traffic goes elsewhere. */
  ready: () => boolean;
  /** Route plugins of this process. */
  plugins?: FastifyPluginAsync[];
  /** Largest request body accepted, in bytes (webhooks are small; the default is 1 MiB). */
  bodyLimit?: number;
}

/** Builds the server without listening, so tests can `inject` requests. */
export async function createHttpServer(opts: HttpServerOptions): Promise<FastifyInstance> {
  const loggerInstance = opts.log.child({ component: 'http' }) as FastifyBaseLogger;
  const app = Fastify({ loggerInstance, bodyLimit: opts.bodyLimit ?? 1 << 20 });
  app.get('/healthz', (_req, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) =>
    opts.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' })
  );
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', opts.registry.contentType).send(await opts.registry.metrics())
  );
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}

/** Parses `host:port` (IPv6 in brackets) as the config gives it. */
export function parseListenAddress(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`invalid listen address "${address}": want host:port, e.g. 127.0.0.1:9290`);
  return { host: m[1] ?? '', port: Number(m[2]) };
}

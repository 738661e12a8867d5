/**
 * A codec server (Temporal's remote codec protocol) on the controller's HTTP server, so the
 * Temporal UI and CLI show decoded inputs and results while history keeps only ciphertext:
 *
 * - `POST /codec/decode` and `POST /codec/encode` take and return `{"payloads": [...]}` in
 *   proto3 JSON, i.e. every metadata value and `data` base64. Set the UI's codec endpoint (or the
 *   CLI's `--codec-endpoint`) to `<controller>/codec`; the `X-Namespace` header is accepted and
 *   ignored (one keyring serves every namespace).
 * - Calls carry the reconcile API's bearer token (the same Secret): whoever can decode can read
 *   every workflow's inputs.
 * - CORS admits exactly the configured UI origin; preflights need no token, as browsers send none.
 *
 * @module
 */
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { checkBearer, type TokenSource } from './api-auth.js';

/** Where the codec server is served. */
export const CODEC_PREFIX = '/codec';

/** What the codec server needs. */
export interface CodecServerOptions {
  /** The payload codecs of the Temporal clients, in the order they encode. */
  codecs: PayloadCodec[];
  token: TokenSource;
  /** The one browser origin allowed to call (the Temporal UI's); unset: no CORS headers. */
  corsOrigin?: string;
  /** Largest request body; history payloads reach 2 MB, base64 makes them larger. */
  bodyLimit?: number;
}

const Base64 = z.base64({ error: 'base64 (proto3 JSON bytes)' });
const JsonPayload = z.object({ metadata: z.record(z.string(), Base64).optional(), data: Base64.optional() });
const PayloadsBody = z.object({ payloads: z.array(JsonPayload) }, { error: 'want {"payloads": [...]}' });
type JsonPayload = z.infer<typeof JsonPayload>;

/** `/codec/encode` and `/codec/decode` as a fastify plugin; auth and CORS apply to these routes only. */
export function codecServerRoutes(opts: CodecServerOptions): FastifyPluginAsync {
  const bodyLimit = opts.bodyLimit ?? 8 << 20;
  return (app) => {
    app.addHook('onRequest', async (req, reply) => {
      if (opts.corsOrigin !== undefined && req.headers.origin === opts.corsOrigin) allowOrigin(reply, opts.corsOrigin);
      if (req.method === 'OPTIONS') return;
      const verdict = checkBearer(req.headers.authorization, await opts.token.expected());
      if (verdict.ok) return;
      if (verdict.code === 401) void reply.header('www-authenticate', 'Bearer realm="ballast"');
      return reply.code(verdict.code).send({ error: verdict.error });
    });
    app.options(`${CODEC_PREFIX}/:action`, (_req, reply) => reply.code(204).send());
    app.post(`${CODEC_PREFIX}/encode`, { bodyLimit }, (req, reply) =>
      transform(req.body, reply, (p) => encodeAll(opts.codecs, p))
    );
    app.post(`${CODEC_PREFIX}/decode`, { bodyLimit }, (req, reply) =>
      transform(req.body, reply, (p) => decodeAll(opts.codecs, p))
    );
    return Promise.resolve();
  };
}

function allowOrigin(reply: FastifyReply, origin: string): void {
  void reply
    .header('access-control-allow-origin', origin)
    .header('access-control-allow-credentials', 'true')
    .header('access-control-allow-methods', 'POST, OPTIONS')
    .header('access-control-allow-headers', 'authorization, content-type, x-namespace')
    .header('access-control-max-age', '600')
    .header('vary', 'Origin');
}

async function transform(
  body: unknown,
  reply: FastifyReply,
  run: (payloads: Payload[]) => Promise<Payload[]>
): Promise<FastifyReply> {
  const parsed = PayloadsBody.safeParse(body);
  if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error).replace(/\n/g, '; ') });
  try {
    const payloads = await run(parsed.data.payloads.map(fromJson));
    return reply.send({ payloads: payloads.map(toJson) });
  } catch (err) {
    // A payload this keyring cannot read (unknown key id, altered data) is the caller's problem.
    if (err instanceof ValueError) return reply.code(400).send({ error: err.message });
    throw err;
  }
}

async function encodeAll(codecs: PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  for (const codec of codecs) payloads = await codec.encode(payloads);
  return payloads;
}

async function decodeAll(codecs: PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  return payloads;
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const b64 = (u: Uint8Array | null | undefined): string => Buffer.from(u ?? new Uint8Array()).toString('base64');

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, bytes(v)])),
    data: bytes(p.data ?? ''),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
    data: b64(p.data),
  };
}

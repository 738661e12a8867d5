/**
 * A small HTTP endpoint on 127.0.0.1 that records every request: the receiving end of a
 * notification Provider in `npm run dev` (which prints what arrives) and in tests (which assert
 * bodies and headers, or make it answer 500 to play an outage).
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request the sink received. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/api/v3/repos/org/app/statuses/<sha>`. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** How the sink answers a request. */
export interface SinkAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A running sink. */
export interface HttpSink {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request so far, oldest first (answered ones and refused ones). */
  requests: ReceivedRequest[];
  /** Replaces how requests are answered (default: 200 with an empty JSON object). */
  answer(fn: (req: ReceivedRequest) => SinkAnswer): void;
  /** Resolves with the first request matching `pred` (already received or next), or rejects after `timeoutMs`. */
  waitFor(pred: (req: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

const OK: SinkAnswer = { status: 200, body: '{}', headers: { 'content-type': 'application/json' } };

/**
 * Starts a sink on a loopback port (`port`, or a free one); `onRequest` sees each request as it
 * arrives. Restarting on the same port plays a Provider that was down and came back.
 */
export async function startHttpSink(
  opts: { port?: number; onRequest?: (req: ReceivedRequest) => void } = {}
): Promise<HttpSink> {
  const requests: ReceivedRequest[] = [];
  let answer: (req: ReceivedRequest) => SinkAnswer = () => OK;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      opts.onRequest?.(received);
      const a = answer(received);
      res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (fn) => (answer = fn),
    async waitFor(pred, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = requests.find(pred);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(
            `no matching request within ${timeoutMs} ms; got ${requests.length}: ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`
          );
        }
        await sleep(50);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

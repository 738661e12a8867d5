import { ApplicationFailure } from '@temporalio/common';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ProviderHttp, retryAfterMs } from '../../../../activities/notify/http.js';
import { redactSecrets } from '../../../../activities/notify/redact.js';
import { startHttpSink, type HttpSink } from '../../../../tools/localenv/http-sink.js';

const SECRET = 's3cr3t-token-value';

/** Runs a request and returns the ApplicationFailure it throws. */
async function failureOf(http: ProviderHttp, url: string): Promise<ApplicationFailure> {
  try {
    await http.request({ method: 'POST', url, json: { a: 1 } });
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `an ApplicationFailure, got ${String(err)}`);
    return err;
  }
  assert.fail('the request succeeded');
}

describe('ProviderHttp failure classification', () => {
  let sink: HttpSink;
  const http = new ProviderHttp({ providerType: 'generic', timeoutMs: 500, secrets: [SECRET] });
  before(async () => (sink = await startHttpSink()));
  after(async () => sink?.close());

  it('5xx is retryable; the message names status and origin, not the path, and masks secrets', async () => {
    sink.answer(() => ({ status: 500, body: `upstream said: bad token ${SECRET}` }));
    const f = await failureOf(http, `${sink.url}/services/T000/B000/${SECRET}`);
    assert.equal(f.nonRetryable, false);
    assert.equal(f.type, 'NotificationDispatchFailed');
    assert.match(
      f.message,
      /POST generic endpoint http:\/\/127\.0\.0\.1:\d+ answered HTTP 500: upstream said: bad token \*\*\*\*\*/
    );
    assert.ok(!f.message.includes(SECRET));
    assert.ok(!f.message.includes('/services/'));
  });

  it('429 is retryable with Retry-After as the next retry delay', async () => {
    sink.answer(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    const f = await failureOf(http, sink.url);
    assert.equal(f.nonRetryable, false);
    assert.equal(f.nextRetryDelay, 7000);
  });

  it('4xx other than 408/425/429 is not retryable', async () => {
    for (const status of [400, 401, 403, 404]) {
      sink.answer(() => ({ status }));
      assert.equal((await failureOf(http, sink.url)).nonRetryable, true, `HTTP ${status}`);
    }
  });

  it('a refused connection is retryable', async () => {
    const port = await freePort();
    const f = await failureOf(http, `http://127.0.0.1:${port}/hook`);
    assert.equal(f.nonRetryable, false);
    assert.match(f.message, /ECONNREFUSED/);
  });

  it('a server that does not answer times out, retryably', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    try {
      const f = await failureOf(http, `http://127.0.0.1:${port}/`);
      assert.equal(f.nonRetryable, false);
      assert.match(f.message, /timed out after 500 ms/);
    } finally {
      silent.close();
    }
  });

  it('allowed statuses resolve', async () => {
    sink.answer(() => ({ status: 404, body: 'none' }));
    assert.deepEqual(await http.request({ method: 'GET', url: sink.url }, [404]), { status: 404, text: 'none' });
  });
});

describe('retryAfterMs and redactSecrets', () => {
  it('reads delta-seconds and HTTP dates, ignores zero and junk, caps at 10 minutes', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(new Date(1_000_000 + 5000).toUTCString(), 1_000_000), 5000);
    assert.equal(retryAfterMs('0'), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs('86400'), 600_000);
  });

  it('masks every secret and its URL-encoded form, longest first; short values stay', () => {
    const out = redactSecrets('a=p@ss/word b=p%40ss%2Fword c=abc tok=abcdef-long', [
      'p@ss/word',
      'abc',
      'abcdef-long',
      'abcdef',
    ]);
    assert.equal(out, 'a=***** b=***** c=abc tok=*****');
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

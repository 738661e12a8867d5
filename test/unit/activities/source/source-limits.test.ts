import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packDirectory } from '../../../../activities/source/archive.js';
import { download } from '../../../../activities/source/http-download.js';
import {
  DEFAULT_SOURCE_LIMITS,
  parseByteSize,
  SourceLimitError,
  type SourceLimits,
} from '../../../../activities/source/source-limits.js';

const limits = (over: Partial<SourceLimits>): SourceLimits => ({ ...DEFAULT_SOURCE_LIMITS, ...over });

describe('source limits: sizes in configuration', () => {
  it('reads binary and decimal suffixes and refuses nonsense', () => {
    assert.equal(parseByteSize('512Mi'), 512 * 1024 * 1024);
    assert.equal(parseByteSize('64MiB'), 64 * 1024 * 1024);
    assert.equal(parseByteSize('1G'), 1e9);
    assert.equal(parseByteSize('10k'), 10_000);
    assert.equal(parseByteSize('4096'), 4096);
    for (const bad of ['', '0', '-1', '1.5Gi', 'lots', '12 parsecs']) assert.equal(parseByteSize(bad), undefined, bad);
  });
});

describe('source limits: packing a checkout', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'limits-'));
    await writeFile(path.join(dir, 'small.yaml'), 'a: 1\n');
    await writeFile(path.join(dir, 'big.yaml'), Buffer.alloc(5000, 'x'));
    await writeFile(path.join(dir, 'ignored.png'), Buffer.alloc(50_000, 'x'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const refused = (opts: Partial<SourceLimits>, pattern: RegExp) =>
    assert.rejects(packDirectory(dir, { limits: limits(opts) }), (err: Error) => {
      assert.ok(err instanceof SourceLimitError);
      assert.match(err.message, pattern);
      return true;
    });

  it('refuses a file over the per-file limit, naming the file and the variable', () =>
    refused(
      { maxFileBytes: 4096 },
      /file 'big\.yaml' \(4\.9 KiB\) exceeds the limit of 4 KiB; raise BALLAST_SOURCE_MAX_FILE_SIZE/
    ));

  it('refuses a tree over the file count or total size', async () => {
    await refused({ maxFiles: 1 }, /more than 1 files.*BALLAST_SOURCE_MAX_FILES/);
    await refused({ maxArtifactBytes: 5000 }, /exceeds the limit of 4\.9 KiB; raise BALLAST_SOURCE_MAX_ARTIFACT_SIZE/);
  });

  it('counts only what goes into the artifact (ignored files are free)', async () => {
    const packed = await packDirectory(dir, {
      limits: limits({ maxFileBytes: 5000, maxFiles: 2, maxArtifactBytes: 5005 }),
    });
    await rm(packed.file);
  });
});

describe('source limits and url policy: HTTP downloads', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/latest' }).end();
      if (req.url === '/hop') return res.writeHead(302, { location: '/small' }).end();
      // Chunked, without Content-Length: only counting while reading can stop it.
      if (req.url === '/endless') {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 'y');
        const pump = (): void => void (res.write(chunk) ? setImmediate(pump) : res.once('drain', pump));
        res.on('close', () => res.destroy());
        return pump();
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const opts = (over: Partial<SourceLimits> = {}) => ({
    timeoutMs: 10_000,
    notFoundReason: 'IndexationFailed',
    limits: limits(over),
  });

  it('follows a redirect on loopback', async () => {
    assert.equal((await download(`${base}/hop`, opts())).body.toString(), 'hello');
  });

  it('refuses a redirect to the metadata address without connecting to it', async () => {
    const started = Date.now();
    await assert.rejects(
      download(`${base}/to-metadata`, opts()),
      (err: Error & { type?: string; nonRetryable?: boolean }) => {
        assert.equal(err.type, 'URLInvalid');
        assert.equal(err.nonRetryable, true);
        assert.match(err.message, /169\.254\.169\.254.*BALLAST_ALLOW_LINK_LOCAL_SOURCES/);
        return true;
      }
    );
    assert.ok(Date.now() - started < 2000, 'refused before any connection attempt');
  });

  it('stops reading a body without Content-Length at the per-file limit', async () => {
    await assert.rejects(
      download(`${base}/endless`, opts({ maxFileBytes: 1024 * 1024 })),
      /exceeds the limit of 1 MiB; raise BALLAST_SOURCE_MAX_FILE_SIZE/
    );
  });
});

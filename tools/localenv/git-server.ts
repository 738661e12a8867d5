/**
 * Real Git upstreams for tests and `npm run dev`: {@link createGitFixture} builds a bare repository (plus a work tree to
 * commit from) with the git CLI, and {@link startGitHttpServer} serves such repositories over Git's
 * smart-HTTP protocol on 127.0.0.1 by running `git http-backend` as a CGI program, behind Basic or
 * Bearer authentication. Nothing is mocked: clients talk to the same backend a real Git server uses.
 *
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * The environment every fixture git command runs with: no user or system config (so a developer's
 * ~/.gitconfig cannot change results) and a fixed identity and clock (so commits are reproducible).
 */
const FIXTURE_GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  LC_ALL: 'C',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Ballast Test',
  GIT_AUTHOR_EMAIL: 'test@ballast.invalid',
  GIT_COMMITTER_NAME: 'Ballast Test',
  GIT_COMMITTER_EMAIL: 'test@ballast.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

/** Runs git in `cwd` with {@link FIXTURE_GIT_ENV}; returns trimmed stdout. */
export async function runGit(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, env: FIXTURE_GIT_ENV });
  return stdout.trim();
}

/** A bare upstream repository and a work tree whose `origin` it is. */
export interface GitFixture {
  /** Temp directory holding everything; removed by {@link GitFixture.cleanup}. */
  root: string;
  /** Directory to serve with {@link startGitHttpServer} (`GIT_PROJECT_ROOT`). */
  projectRoot: string;
  /** Name of the bare repository under `projectRoot`, e.g. `repo.git`. */
  repoName: string;
  /** `file://` URL of the bare repository. */
  fileUrl: string;
  /** Work tree to commit from; its `origin` is the bare repository. */
  work: string;
  /** Runs git in the work tree. */
  git(...args: string[]): Promise<string>;
  /** Writes `files` (relative path → content) into the work tree, commits them all and returns the commit SHA. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  /** Pushes every branch and tag to the bare repository. */
  pushAll(): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * A fresh bare repository `repoName` whose default branch is `main`, with an empty work tree to
 * commit from. Push with {@link GitFixture.pushAll} (or `git('push', ...)`) before a client reads.
 */
export async function createGitFixture(repoName = 'repo.git'): Promise<GitFixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'ballast-git-fixture-'));
  const projectRoot = path.join(root, 'srv');
  const bare = path.join(projectRoot, repoName);
  const work = path.join(root, 'work');
  await mkdir(bare, { recursive: true });
  await mkdir(work);
  await runGit(bare, 'init', '--quiet', '--bare', '--initial-branch=main');
  await runGit(work, 'init', '--quiet', '--initial-branch=main');
  await runGit(work, 'remote', 'add', 'origin', bare);
  let tick = 0;
  return {
    root,
    projectRoot,
    repoName,
    fileUrl: `file://${bare}`,
    work,
    git: (...args) => runGit(work, ...args),
    async commit(files, message = 'change') {
      for (const [rel, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(work, rel)), { recursive: true });
        await writeFile(path.join(work, rel), content);
      }
      await runGit(work, 'add', '--all');
      // Distinct commit times keep SHAs distinct even when two commits carry the same tree.
      tick += 1;
      const date = `2026-01-01T00:00:${String(tick % 60).padStart(2, '0')}Z`;
      await execFileAsync('git', ['commit', '--quiet', '--allow-empty', '-m', message], {
        cwd: work,
        env: { ...FIXTURE_GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
      return runGit(work, 'rev-parse', 'HEAD');
    },
    async pushAll() {
      await runGit(work, 'push', '--quiet', 'origin', '--all');
      await runGit(work, 'push', '--quiet', 'origin', '--tags');
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Options of {@link startGitHttpServer}. With neither `basic` nor `bearerToken`, access is anonymous. */
export interface GitHttpServerOptions {
  /** Directory whose bare repositories are served (`GIT_PROJECT_ROOT`). */
  projectRoot: string;
  /** Credentials a request may present as `Authorization: Basic`. */
  basic?: { username: string; password: string };
  /** Token a request may present as `Authorization: Bearer`. */
  bearerToken?: string;
  /**
   * Ignore clients' requests for protocol v2, like an old server: then only advertised refs can be
   * fetched, and a commit that is no branch tip is refused with "not our ref".
   */
  protocolV0?: boolean;
}

/** A running smart-HTTP server. */
export interface GitHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`; a repository is at `${url}/${repoName}`. */
  url: string;
  /** Authorization headers the server received, in order (to assert what a client sent). */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * Starts a smart-HTTP Git server on 127.0.0.1 (random port). Each request is checked against the
 * configured credentials (401 with a Basic challenge otherwise) and then handed to
 * `git http-backend` as a CGI request.
 */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const authorizations: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    if (!authorized(req, options)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="ballast-test"' }).end('unauthorized\n');
      return;
    }
    runBackend(req, res, options);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function authorized(req: IncomingMessage, options: GitHttpServerOptions): boolean {
  const { basic, bearerToken } = options;
  if (!basic && bearerToken === undefined) return true;
  const header = req.headers.authorization ?? '';
  if (basic && header === `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`) {
    return true;
  }
  return bearerToken !== undefined && header === `Bearer ${bearerToken}`;
}

/** The CGI 1.1 variables `git http-backend` reads, from one request. */
function cgiEnv(req: IncomingMessage, options: GitHttpServerOptions): NodeJS.ProcessEnv {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    REMOTE_USER: req.headers.authorization ? 'ballast-test' : '',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  // Clients gzip large requests and ask for protocol v2 through these headers.
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string' && !options.protocolV0) env.HTTP_GIT_PROTOCOL = protocol;
  return env;
}

function runBackend(req: IncomingMessage, res: ServerResponse, options: GitHttpServerOptions): void {
  const child = spawn('git', ['http-backend'], { env: cgiEnv(req, options), stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const split = findHeaderEnd(head);
    if (!split) return;
    writeCgiHeaders(res, head.subarray(0, split.at).toString('latin1'));
    headersSent = true;
    res.write(head.subarray(split.at + split.length));
  });
  child.on('close', (code) => {
    if (!headersSent) res.writeHead(500).end(`git http-backend exited ${code}\n`);
    else res.end();
  });
}

/** Where the CGI header block ends: CRLF CRLF or, from some programs, LF LF. */
function findHeaderEnd(buf: Buffer): { at: number; length: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  if (crlf >= 0) return { at: crlf, length: 4 };
  const lf = buf.indexOf('\n\n');
  return lf >= 0 ? { at: lf, length: 2 } : undefined;
}

function writeCgiHeaders(res: ServerResponse, block: string): void {
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else res.setHeader(name, value);
  }
  res.statusCode = status;
}

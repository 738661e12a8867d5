import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { isolatedHelmEnv } from '../../../activities/helm/helm-cli.js';
import { startChartRepo, writeTestChart, type ChartRepo } from '../../../tools/localenv/chart-repo.js';
import { toolPath } from '../../../tools/toolchain/build.js';

const execFileAsync = promisify(execFile);

interface RepoIndex {
  apiVersion: string;
  entries: Record<string, { version: string; appVersion?: string; urls: string[]; digest: string }[]>;
}

/** `helm pull --repo` into a fresh directory; returns the files it wrote. */
async function helmPull(repo: ChartRepo, chart: string, extra: string[] = []): Promise<string[]> {
  const home = await mkdtemp(path.join(tmpdir(), 'chart-repo-pull-'));
  const dest = path.join(home, 'out');
  await mkdir(dest);
  try {
    await execFileAsync(toolPath('helm'), ['pull', chart, '--repo', repo.url, '--destination', dest, ...extra], {
      env: isolatedHelmEnv(home),
    });
    return (await readdir(dest)).sort();
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

describe('chart repository server for tests', () => {
  let work: string;
  let open: ChartRepo;
  let locked: ChartRepo;
  const basic = { username: 'ci', password: 'pa55-w0rd' };

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'chart-repo-'));
    const charts = path.join(work, 'charts');
    await writeTestChart(path.join(charts, 'alpha'), { name: 'alpha', version: '1.0.0', appVersion: '1.0' });
    await writeTestChart(path.join(charts, 'beta'), { name: 'beta', version: '0.2.0', deployment: true });
    open = await startChartRepo({ charts });
    locked = await startChartRepo({ charts: { alpha: path.join(charts, 'alpha') }, basic });
  });
  after(async () => {
    await open?.close();
    await locked?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('serves an index.yaml naming every packaged chart at its absolute URL', async () => {
    assert.deepEqual(
      open.charts.map((c) => [c.name, c.version, c.url]),
      [
        ['alpha', '1.0.0', `${open.url}/alpha-1.0.0.tgz`],
        ['beta', '0.2.0', `${open.url}/beta-0.2.0.tgz`],
      ]
    );
    const res = await fetch(`${open.url}/index.yaml`);
    assert.equal(res.status, 200);
    const index = parse(await res.text()) as RepoIndex;
    assert.equal(index.apiVersion, 'v1');
    assert.deepEqual(index.entries.alpha?.[0]?.urls, [`${open.url}/alpha-1.0.0.tgz`]);
    assert.equal(index.entries.alpha?.[0]?.appVersion, '1.0');
    assert.match(index.entries.beta?.[0]?.digest ?? '', /^[0-9a-f]{64}$/);
  });

  it('serves the packaged chart as gzip, and 404 for anything else', async () => {
    const res = await fetch(`${open.url}/alpha-1.0.0.tgz`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/gzip');
    const body = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...body.subarray(0, 2)], [0x1f, 0x8b]);
    assert.equal((await fetch(`${open.url}/missing-1.0.0.tgz`)).status, 404);
    assert.equal((await fetch(`${open.url}/..%2F..%2Fetc%2Fpasswd`)).status, 404);
  });

  it('helm pull --repo fetches the latest or a given version', async () => {
    assert.deepEqual(await helmPull(open, 'beta'), ['beta-0.2.0.tgz']);
    assert.deepEqual(await helmPull(open, 'alpha', ['--version', '1.0.0']), ['alpha-1.0.0.tgz']);
  });

  it('publish adds a version and re-indexes', async () => {
    const v2 = await writeTestChart(path.join(work, 'alpha-v2'), { name: 'alpha', version: '1.1.0' });
    const published = await open.publish(v2);
    assert.deepEqual(published, { name: 'alpha', version: '1.1.0', url: `${open.url}/alpha-1.1.0.tgz` });
    const index = parse(await readFile(path.join(open.dir, 'index.yaml'), 'utf8')) as RepoIndex;
    assert.deepEqual(index.entries.alpha?.map((e) => e.version).sort(), ['1.0.0', '1.1.0']);
    assert.deepEqual(await helmPull(open, 'alpha'), ['alpha-1.1.0.tgz']);
  });

  it('with Basic auth: 401 without or with wrong credentials, 200 with them', async () => {
    const none = await fetch(`${locked.url}/index.yaml`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
    const wrong = Buffer.from('ci:nope').toString('base64');
    assert.equal(
      (await fetch(`${locked.url}/index.yaml`, { headers: { Authorization: `Basic ${wrong}` } })).status,
      401
    );
    const right = Buffer.from(`${basic.username}:${basic.password}`).toString('base64');
    assert.equal(
      (await fetch(`${locked.url}/index.yaml`, { headers: { Authorization: `Basic ${right}` } })).status,
      200
    );
  });

  it('helm pull needs the credentials', async () => {
    await assert.rejects(helmPull(locked, 'alpha'), /401/);
    const files = await helmPull(locked, 'alpha', ['--username', basic.username, '--password', basic.password]);
    assert.deepEqual(files, ['alpha-1.0.0.tgz']);
    assert.ok(locked.requests.some((r) => r.path === '/alpha-1.0.0.tgz' && r.status === 200));
  });
});

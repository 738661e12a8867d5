/**
 * Workers that share no disk, sharing artifacts through S3 (MinIO on loopback): one worker packs
 * the GitRepository into the bucket and stops; another, with its own empty artifact directory,
 * extracts and applies it. An object tampered with in the bucket is refused by its digest and
 * nothing of it is applied.
 */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { temporal } from '@temporalio/proto';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRepositoryKind } from '../../../api/gitrepository.js';
import { workflowIdFor } from '../../../api/workflow-ids.js';
import { packDirectory } from '../../../activities/source/archive.js';
import { startS3Server, type S3Server } from '../../../tools/localenv/s3.js';
import { condition, type FluxObject } from '../../support/cluster.js';
import { configMap, setupGitOps, type GitOpsFixture } from '../../support/gitops.js';
import { startWorkerProcess, type WorkerProcess } from '../../support/worker-process.js';

/** Every file under `dir`, relative, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** A history as text with its payloads decoded (protobuf's JSON gives them as base64), so a search sees what history stores. */
const decoded = (h: unknown): string =>
  JSON.stringify(h, (k, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    return k === 'data' && typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : v;
  });

/** The worker identities (`pid@host`) that completed activities in a workflow's history. */
function activityWorkers(history: temporal.api.history.v1.IHistory): Set<string> {
  const done = (history.events ?? []).filter((e) => e.activityTaskCompletedEventAttributes);
  return new Set(done.map((e) => (e.activityTaskCompletedEventAttributes?.identity ?? '').split('@')[0]!));
}

describe('the S3 artifact store carries artifacts between workers that share no disk', () => {
  let s3: S3Server;
  let bucket: S3Client;
  let f: GitOpsFixture;
  let dir: string;
  const workers: WorkerProcess[] = [];

  before(async () => {
    s3 = await startS3Server();
    bucket = s3.client();
    f = await setupGitOps('s3-store', { worker: false });
    dir = await mkdtemp(path.join(tmpdir(), 'ballast-s3-workers-'));
  });
  after(async () => {
    for (const w of workers) await w.kill();
    await f?.close();
    bucket?.destroy();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A worker process with its own artifact directory and the S3 store. */
  async function worker(n: number): Promise<{ proc: WorkerProcess; artifactDir: string }> {
    const artifactDir = path.join(dir, `artifacts-${n}`);
    await mkdir(artifactDir);
    const proc = startWorkerProcess(f.env, f.ballast, path.join(dir, `worker-${n}.log`), {
      ...s3.workerEnv(f.ns),
      BALLAST_ARTIFACT_DIR: artifactDir,
    });
    workers.push(proc);
    return { proc, artifactDir };
  }

  const history = (kind: string, name: string) =>
    f.ballast.client.workflow
      .getHandle(workflowIdFor({ cluster: f.ballast.clusterName, kind, namespace: f.ns, name }))
      .fetchHistory();

  it('a Kustomization applies on one worker what another packed; a tampered object applies nothing', async () => {
    // Worker 1 alone: it fetches and packs the GitRepository, so the artifact can only be in the bucket.
    const one = await worker(1);
    const commit = await f.push({ 'app/cm.yaml': configMap('from-s3', 'packed-by-worker-1') });
    const repo = await f.cluster.waitForFlux(
      GitRepositoryKind,
      f.ns,
      'repo',
      (o) => condition(o, 'Ready')?.status === 'True' && (o.status?.artifact?.revision.endsWith(commit) ?? false)
    );
    const artifact = repo.status!.artifact! as { path: string; digest: string; url?: string };
    const key = `${f.ns}/${artifact.path}`;
    assert.equal(artifact.url, `s3://${s3.bucket}/${key}`, 'status.artifact.url names the object');
    const head = await bucket.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    assert.ok((head.ContentLength ?? 0) > 0, 'the bucket holds the artifact');
    assert.deepEqual(
      (await filesUnder(one.artifactDir)).filter((p) => p.endsWith('.tar.gz')),
      [],
      'worker 1 kept no local copy'
    );
    await one.proc.kill('SIGTERM');

    // Worker 2, with an empty directory of its own, builds and applies from the bucket.
    const two = await worker(2);
    await f.kustomization('app', { path: './app' });
    await f.waitReady('app', commit, 90_000);
    const cm = await f.cluster.get('v1', 'ConfigMap', f.ns, 'from-s3');
    assert.equal((cm as { data?: Record<string, string> } | undefined)?.data?.value, 'packed-by-worker-1');
    const pid = (w: WorkerProcess): string => String(w.child.pid);
    const [repoHistory, appHistory] = [await history('GitRepository', 'repo'), await history('Kustomization', 'app')];
    assert.ok(activityWorkers(repoHistory).has(pid(one.proc)), 'packed by worker 1');
    assert.deepEqual([...activityWorkers(appHistory)], [pid(two.proc)], 'built and applied by worker 2 alone');
    assert.deepEqual(await filesUnder(two.artifactDir), [], 'worker 2 has no artifact of its own');
    assert.match(decoded(appHistory), new RegExp(artifact.digest), 'history carries the digest (the check is real)');

    // Someone with write access to the bucket swaps the archive for one with another ConfigMap.
    // Worker 2 keeps the tree it extracted (and verified) for this digest, so it would apply the
    // genuine content; a worker that never extracted it must download the forgery and refuse it.
    await two.proc.kill('SIGTERM');
    await worker(3);
    const forgedDir = path.join(dir, 'forged', 'app');
    await mkdir(forgedDir, { recursive: true });
    await writeFile(path.join(forgedDir, 'cm.yaml'), configMap('forged', 'should-never-apply'));
    const forged = await packDirectory(path.dirname(forgedDir), { outFile: path.join(dir, 'forged.tar.gz') });
    await bucket.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: await readFile(forged.file) }));
    await f.kustomization('tampered', { path: './app' });
    const failed: FluxObject = await f.waitFor(
      'tampered',
      (ks) => condition(ks, 'Ready')?.status === 'False' && condition(ks, 'Ready')?.reason === 'ArtifactFailed',
      90_000
    );
    assert.match(
      condition(failed, 'Ready')!.message,
      new RegExp(`expected ${artifact.digest}.*corrupt or was modified`)
    );
    assert.equal(await f.cluster.get('v1', 'ConfigMap', f.ns, 'forged'), undefined, 'nothing of the forgery applied');

    // The keys reach the workers only through their environment: not in history, not in logs.
    const secrets = [s3.credentials.accessKeyId, s3.credentials.secretAccessKey];
    const seen = [decoded(repoHistory), decoded(appHistory)];
    for (const n of [1, 2, 3]) seen.push(await readFile(path.join(dir, `worker-${n}.log`), 'utf8'));
    for (const secret of secrets) assert.ok(!seen.some((t) => t.includes(secret)), 'credentials never recorded');
    assert.equal((await f.get('tampered'))?.status?.lastAppliedRevision, undefined);
  });
});

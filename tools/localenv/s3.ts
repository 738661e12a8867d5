/**
 * An S3-compatible server on loopback (MinIO, built by the toolchain) for tests of the S3 artifact
 * store. Not part of the shared environment: a test that needs a bucket starts its own server,
 * with its own data directory and access keys generated for the run, and stops it afterwards.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toolPath } from '../toolchain/build.js';
import { freePort } from './ports.js';
import { ProcessGroup, waitReady } from './processes.js';

export interface S3Server {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** A bucket created at start. */
  bucket: string;
  region: string;
  /** The run's keys; hand them to workers as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Where the server keeps objects (MinIO's single-drive layout: `<dataDir>/<bucket>/<key>/xl.meta`). */
  dataDir: string;
  /** The environment a worker process needs to use this server as its artifact store. */
  workerEnv(prefix?: string): NodeJS.ProcessEnv;
  /** A client with the run's keys (path-style), for a test's own checks. */
  client(): S3Client;
  /** Stops the server and removes its data. */
  close(): Promise<void>;
}

/** Starts MinIO on a free loopback port, waits until it is live and creates `bucket`. */
export async function startS3Server(opts: { bucket?: string } = {}): Promise<S3Server> {
  const bin = toolPath('minio');
  if (!existsSync(bin)) throw new Error(`MinIO is not built (${bin}); run: npm run tools`);
  const root = await mkdtemp(path.join(tmpdir(), 'ballast-s3-'));
  const dataDir = path.join(root, 'data');
  await mkdir(dataDir);
  const group = new ProcessGroup(root, path.basename(root));
  const [port, consolePort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = {
    accessKeyId: `ballast${randomBytes(6).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('hex'),
  };
  const region = 'us-east-1';
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    MINIO_ROOT_USER: credentials.accessKeyId,
    MINIO_ROOT_PASSWORD: credentials.secretAccessKey,
    MINIO_BROWSER: 'off',
    MINIO_UPDATE: 'off',
    MINIO_REGION: region,
  };
  const server = group.start(
    'minio',
    bin,
    ['server', '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, dataDir],
    env
  );
  const close = async (): Promise<void> => {
    await group.stopAll();
    await rm(root, { recursive: true, force: true });
  };
  const client = (): S3Client => new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  const bucket = opts.bucket ?? 'ballast-artifacts';
  try {
    await waitReady(server, () => fetch(`${endpoint}/minio/health/live`).then((r) => r.ok), 60_000);
    const admin = client();
    await admin.send(new CreateBucketCommand({ Bucket: bucket })).finally(() => admin.destroy());
  } catch (err) {
    await close();
    throw err;
  }
  return {
    endpoint,
    bucket,
    region,
    credentials,
    dataDir,
    workerEnv: (prefix) => ({
      BALLAST_ARTIFACT_STORE: 's3',
      BALLAST_S3_ENDPOINT: endpoint,
      BALLAST_S3_BUCKET: bucket,
      BALLAST_S3_REGION: region,
      ...(prefix ? { BALLAST_S3_PREFIX: prefix } : {}),
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    }),
    client,
    close,
  };
}

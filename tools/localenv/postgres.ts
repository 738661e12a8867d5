/**
 * A throwaway PostgreSQL server on loopback, from Debian's `postgresql` package (installed by
 * tools/bootstrap.sh), for running the Temporal server the way production installs do.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { runCommand, waitReady, type ProcessGroup } from './processes.js';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

/** A running PostgreSQL server: one superuser without a password (trust on loopback only). */
export interface Postgres {
  host: string;
  port: number;
  user: string;
  /** Removes the data directory (after the group has stopped the server). */
  cleanup(): Promise<void>;
}

/** Newest installed server's bin directory (Debian installs /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const majors = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = majors[0];
  if (newest === undefined)
    throw new Error(`PostgreSQL is not installed (${PG_ROOT}/<version>/bin/postgres); run: apt-get install postgresql`);
  return path.join(PG_ROOT, newest, 'bin');
}

/**
 * PostgreSQL refuses to run as root, and CI runs as root: then every server command runs as the
 * `postgres` system user the Debian package creates, through setpriv (util-linux).
 */
async function asServerUser(): Promise<{
  wrap: (bin: string, args: string[]) => [string, string[]];
  uid?: number;
  gid?: number;
}> {
  if (process.getuid?.() !== 0) return { wrap: (bin, args) => [bin, args] };
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]).then((r) =>
    r.map((o) => Number(o.stdout.trim()))
  );
  const wrap = (bin: string, args: string[]): [string, string[]] => [
    'setpriv',
    ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', bin, ...args],
  ];
  return { wrap, uid, gid };
}

/**
 * initdb into a fresh directory and starts `postgres` on 127.0.0.1. Durability is traded for
 * speed (fsync off): the data is thrown away with the test, and a server *process* crash still
 * loses nothing, which is what the tests exercise.
 */
export async function startPostgres(group: ProcessGroup): Promise<Postgres> {
  const bin = postgresBinDir();
  const user = 'temporal';
  const port = await freePort();
  // Its own directory: the environment's scratch directory is private to root, which the
  // `postgres` user could not enter.
  const dir = await mkdtemp(path.join(tmpdir(), 'ballast-pg-'));
  const { wrap, uid, gid } = await asServerUser();
  if (uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const [initdb, initArgs] = wrap(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    user,
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  await runCommand('initdb failed', initdb, initArgs, { cwd: dir });
  const [postgres, args] = wrap(path.join(bin, 'postgres'), [
    '-D',
    data,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'max_connections=300',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const server = group.start('postgres', postgres, args);
  const isReady = path.join(bin, 'pg_isready');
  await waitReady(
    server,
    async () => (await run(isReady, ['-h', '127.0.0.1', '-p', String(port), '-U', user]), true),
    30_000
  );
  return { host: '127.0.0.1', port, user, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

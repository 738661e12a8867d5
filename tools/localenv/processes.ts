import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** One child process of the local environment, with its output captured in `logFile`. */
export interface Managed {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Where each running environment records its children, so a later start can reap what a killed run left behind. */
const REGISTRY = path.join(tmpdir(), 'ballast-localenv');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills processes recorded by environments whose owning process is gone (SIGKILLed test runs,
 * closed terminals). Signal handlers cannot cover those cases; this does, on the next start.
 */
export function reapOrphans(): number {
  if (!existsSync(REGISTRY)) return 0;
  let reaped = 0;
  for (const file of readdirSync(REGISTRY)) {
    const owner = Number(file.split('.')[0]);
    if (alive(owner)) continue;
    const pids = JSON.parse(readFileSync(path.join(REGISTRY, file), 'utf8')) as number[];
    for (const pid of pids.filter(alive)) {
      process.kill(pid, 'SIGKILL');
      reaped++;
    }
    rmSync(path.join(REGISTRY, file), { force: true });
  }
  return reaped;
}

/** Starts and tracks the children of one environment; `stopAll` tears them down in reverse order. */
export class ProcessGroup {
  readonly members: Managed[] = [];
  private readonly registryFile: string;
  private readonly onExit = (): void => this.killAllNow();

  constructor(
    private readonly logDir: string,
    id: string
  ) {
    mkdirSync(REGISTRY, { recursive: true });
    this.registryFile = path.join(REGISTRY, `${process.pid}.${id}.json`);
    process.once('exit', this.onExit);
  }

  /**
   * Spawns `bin args…` with stdout/stderr appended to `<logDir>/<name>.log`. The child writes to the
   * file itself: piping through this process would stall the child whenever this process's event
   * loop is blocked (e.g. by spawnSync) and the pipe buffer fills.
   */
  start(name: string, bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Managed {
    const logFile = path.join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(bin, args, { env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.once('error', (err) => appendFileSync(logFile, `spawn error: ${err.message}\n`));
    const managed = { name, child, logFile, exited };
    this.members.push(managed);
    this.record();
    return managed;
  }

  private record(): void {
    const pids = this.members.map((m) => m.child.pid).filter((p): p is number => p !== undefined);
    writeFileSync(this.registryFile, JSON.stringify(pids));
  }

  /** Synchronous last resort for process exit: no awaiting is possible there. */
  private killAllNow(): void {
    for (const m of this.members) if (m.child.exitCode === null) m.child.kill('SIGKILL');
    rmSync(this.registryFile, { force: true });
  }

  /** Stops one member: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(m: Managed, graceMs = 5000): Promise<void> {
    if (m.child.exitCode !== null || m.child.signalCode !== null) return;
    m.child.kill('SIGTERM');
    const done = await Promise.race([m.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      m.child.kill('SIGKILL');
      await m.exited;
    }
  }

  /** Stops every member, last started first, and forgets the group. */
  async stopAll(): Promise<void> {
    for (const m of [...this.members].reverse()) await this.stop(m);
    this.members.length = 0;
    rmSync(this.registryFile, { force: true });
    process.off('exit', this.onExit);
  }
}

/** Polls `probe` until it resolves true; fails with the tail of the process log if it exits or time runs out. */
export async function waitReady(m: Managed, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (m.child.exitCode !== null) throw new Error(`${m.name} exited with ${m.child.exitCode}:\n${tail(m.logFile)}`);
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${m.name} not ready after ${timeoutMs} ms:\n${tail(m.logFile)}`);
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Runs a one-shot command to completion; on failure the error reads `<what>: <its stderr>`. */
export async function runCommand(
  what: string,
  bin: string,
  args: string[],
  opts: { cwd?: string } = {}
): Promise<void> {
  await promisify(execFile)(bin, args, opts).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`${what}: ${err.stderr?.trim() || err.message}`);
  });
}

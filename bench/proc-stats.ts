/**
 * CPU time and memory of a process from /proc (Linux), for the benchmark's child processes and
 * the Temporal server it did not start.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** What /proc says about one process at one moment. */
export interface ProcSample {
  /** user + system CPU seconds since the process started. */
  cpuSeconds: number;
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** Peak resident set size over the process's life (VmHWM), MiB. */
  hwmMiB: number;
}

let ticksPerSecond: number | undefined;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (`getconf CLK_TCK`, 100 on Linux). */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** Samples `pid`; undefined when the process is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command (which may contain spaces): utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicks();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { cpuSeconds, rssMiB: statusKiB(status, 'VmRSS') / 1024, hwmMiB: statusKiB(status, 'VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function statusKiB(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
}

/** The pid of the `temporal server start-dev` listening on `port`, found by its command line; undefined when none. */
export function findTemporalServerPid(port: number): number | undefined {
  return findProcess((args) => {
    const portIndex = args.indexOf('--port');
    return args.includes('start-dev') && portIndex >= 0 && args[portIndex + 1] === String(port);
  })?.pid;
}

/** The kube-apiserver serving on `port` and the etcd it stores in, when they run on this machine. */
export function findControlPlanePids(port: number): { apiserver?: number; etcd?: number } {
  const apiserver = findProcess((args) => args.includes(`--secure-port=${port}`));
  const etcdUrl = apiserver?.args.find((a) => a.startsWith('--etcd-servers='))?.slice('--etcd-servers='.length);
  const etcd = etcdUrl ? findProcess((args) => args.includes(`--listen-client-urls=${etcdUrl}`)) : undefined;
  return { apiserver: apiserver?.pid, etcd: etcd?.pid };
}

/** The first process whose command line matches. */
function findProcess(match: (args: string[]) => boolean): { pid: number; args: string[] } | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (match(args)) return { pid: Number(entry), args };
  }
  return undefined;
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (the first line of /proc/stat). */
export function machineCpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait are the not-busy columns.
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/**
 * Tracks processes over a run: CPU seconds used between start and stop, and the peak RSS seen.
 * Peak RSS is VmHWM for processes the benchmark started (their whole life is the run); for a
 * process that existed before (a shared Temporal server), it is the highest VmRSS sampled during
 * the run, since its VmHWM may date from earlier work.
 */
export class ProcessTracker {
  private readonly first = new Map<string, ProcSample>();
  private readonly last = new Map<string, ProcSample>();
  private readonly peakRss = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: Record<string, { pid: number; ownLifetime: boolean }>) {}

  start(intervalMs = 250): void {
    this.sample();
    for (const [name, s] of this.last) this.first.set(name, s);
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Stops sampling and returns, per process, CPU seconds used during the run and peak RSS (MiB). */
  stop(): Record<string, { cpuSeconds: number; peakRssMiB: number }> {
    clearInterval(this.timer);
    this.sample();
    const out: Record<string, { cpuSeconds: number; peakRssMiB: number }> = {};
    for (const [name, { ownLifetime }] of Object.entries(this.pids)) {
      const last = this.last.get(name);
      if (!last) continue;
      // CPU is counted from the start of the run for every process: startup is not the benchmark.
      const cpuBase = this.first.get(name)?.cpuSeconds ?? 0;
      const peak = ownLifetime ? Math.max(last.hwmMiB, this.peakRss.get(name) ?? 0) : (this.peakRss.get(name) ?? 0);
      out[name] = { cpuSeconds: round(last.cpuSeconds - cpuBase, 2), peakRssMiB: round(peak, 1) };
    }
    return out;
  }

  private sample(): void {
    for (const [name, { pid }] of Object.entries(this.pids)) {
      const s = sampleProcess(pid);
      if (!s) continue;
      this.last.set(name, s);
      this.peakRss.set(name, Math.max(this.peakRss.get(name) ?? 0, s.rssMiB));
    }
  }
}

export const round = (n: number, digits: number): number => Number(n.toFixed(digits));

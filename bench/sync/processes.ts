import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
export { freePort } from '../../test/helpers/free-port.ts';

/**
 * Child processes of the sync benchmark: each server in a process of its own, pinned to a
 * core with `taskset`, and what /proc says about its CPU time and memory.
 */

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of `pid` to `cpus` ("0", "1", "0-1"). */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** The cores a process may run on (Cpus_allowed_list), null once it is gone. */
export function cpusAllowed(pid: number): string | null {
  try {
    return /Cpus_allowed_list:\s+(\S+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

export const ALL_CPUS = `0-${os.cpus().length - 1}`;

/** CPU time of a process in seconds, in user mode and in all (0 once it is gone). */
export function cpuTimes(pid: number): { user: number; total: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after it are positional.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]) / CLOCK_TICKS;
    return { user, total: user + Number(fields[12]) / CLOCK_TICKS };
  } catch {
    return { user: 0, total: 0 };
  }
}

/**
 * CPU time of the whole machine in seconds, from /proc/stat: in user mode (user + nice; the
 * kernel's network work for our sockets is not in it) and stolen by the hypervisor.
 */
export function machineCpu(): { user: number; steal: number } {
  try {
    const [, user, nice, , , , , , steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    return { user: (user! + nice!) / CLOCK_TICKS, steal: steal! / CLOCK_TICKS };
  } catch {
    return { user: 0, steal: 0 };
  }
}

/** Resident set size in bytes (VmRSS), 0 once the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The direct children of `pid` (PostgreSQL backends and workers of the postmaster). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export interface MemoryReport {
  rss: number;
  heapUsed: number;
  external: number;
}

/** A server running in a child process that prints `{"url":…}` once it listens (bench/sync/*-server.*). */
export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** Asks the child to collect garbage twice and report its memory (SIGUSR2 → one JSON line). */
  memory(): Promise<MemoryReport>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: whatever is still running when the bench process exits is killed. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export function startServerProcess(options: {
  name: string;
  /** Arguments to `node`. */
  nodeArgs: string[];
  env: Record<string, string | undefined>;
  cpu: string | null;
  cwd: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  installExitHook();
  const [command, args] = options.cpu
    ? ['taskset', ['-c', options.cpu, process.execPath, ...options.nodeArgs]]
    : [process.execPath, options.nodeArgs];
  // taskset execs node in place, so the child's pid is the server's.
  const child = spawn(command, args as string[], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  let stdout = '';
  let onUrl: ((url: string) => void) | null = null;
  const memoryWaiters: Array<(m: MemoryReport) => void> = [];
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (let nl = stdout.indexOf('\n'); nl >= 0; nl = stdout.indexOf('\n')) {
      const line = stdout.slice(0, nl).trim();
      stdout = stdout.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      let msg: { url?: string; memory?: MemoryReport };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        continue;
      }
      if (msg.url) onUrl?.(msg.url);
      if (msg.memory) memoryWaiters.shift()?.(msg.memory);
    }
  });

  const stop = stopper(child, exited);

  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not start within ${options.timeoutMs ?? 60_000} ms:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code ?? signal}) before listening:\n${stderr}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    onUrl = (url) => {
      clearTimeout(timer);
      resolve({
        name: options.name,
        pid: child.pid!,
        url,
        memory: () =>
          new Promise<MemoryReport>((res, rej) => {
            const t = setTimeout(() => rej(new Error(`${options.name} did not report its memory`)), 10_000);
            memoryWaiters.push((m) => {
              clearTimeout(t);
              res(m);
            });
            child.kill('SIGUSR2');
          }),
        stop,
      });
    };
  });
}

/** Stops a child process: SIGTERM, then SIGKILL after 15 s; resolves once it has exited. */
export function stopper(child: ChildProcess, exited: Promise<unknown>): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

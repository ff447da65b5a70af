import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopper } from '../sync/processes.ts';
import type { FromApp, ToApp } from './routing-app.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** One app process of the routing benchmark (bench/lib/routing-app.ts), driven over IPC. */
export interface AppProcess {
  name: string;
  pid: number;
  url: string;
  /** A customer writes and picks the team through this process; resolves with the conversation id. */
  arrive(orgId: string, channelId: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * `inFlight` bounds the arrivals this process ingests at once, as a sender with that many
 * connections would: the others wait their turn in this process (the caller sees the wait in
 * its latency), not in the app's pool and PostgreSQL's lock queues.
 */
export function startAppProcess(name: string, env: Record<string, string>, inFlight: number): Promise<AppProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort: whatever still runs when the bench process exits is killed.
    process.on('exit', () => {
      for (const child of live) child.kill('SIGKILL');
    });
  }
  const child = fork(path.join(root, 'bench', 'lib', 'routing-app.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });

  let seq = 0;
  let busy = 0;
  const waiting: Array<() => void> = [];
  const pending = new Map<number, { resolve: (id: string) => void; reject: (err: Error) => void }>();
  let onReady: ((url: string) => void) | null = null;
  child.on('message', (m: FromApp) => {
    if (m.type === 'ready') onReady?.(m.url);
    else if (m.type === 'arrived') pending.get(m.seq)?.resolve(m.conversationId);
    else if (m.type === 'failed') pending.get(m.seq)?.reject(new Error(`${name}: arrival failed: ${m.error}`));
    if (m.type !== 'ready') pending.delete(m.seq);
  });
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error(`${name} exited:\n${stderr}`));
    pending.clear();
  });

  const stop = stopper(child, exited);

  return new Promise<AppProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within 90 s:\n${stderr}`));
    }, 90_000);
    const early = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${stderr}`));
    };
    child.once('exit', early);
    onReady = (url) => {
      clearTimeout(timer);
      child.off('exit', early);
      resolve({
        name,
        pid: child.pid!,
        url,
        async arrive(orgId, channelId) {
          while (busy >= inFlight) await new Promise<void>((r) => waiting.push(r));
          busy += 1;
          try {
            return await new Promise<string>((res, rej) => {
              const n = ++seq;
              pending.set(n, { resolve: res, reject: rej });
              child.send({ type: 'arrive', seq: n, orgId, channelId } satisfies ToApp);
            });
          } finally {
            busy -= 1;
            waiting.shift()?.();
          }
        },
        stop,
      });
    };
  });
}

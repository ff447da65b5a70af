import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopper } from '../sync/processes.ts';
import type { FloorSpec, FromLoad, PhaseResult, PhaseSpec, ToLoad } from './floor-protocol.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The load generator (bench/lib/floor-load.ts) seen from the bench: a child process driven over IPC. */
export interface LoadGenerator {
  pid: number;
  /** The fake Graph API it serves (the app processes send there). */
  graphUrl: string;
  /** Signs the agents in and connects them; resolves with the seconds it took. */
  setup(spec: FloorSpec): Promise<number>;
  phase(phase: PhaseSpec): Promise<PhaseResult>;
  stop(): Promise<void>;
}

export function startLoadGenerator(): Promise<LoadGenerator> {
  const child = fork(path.join(root, 'bench', 'lib', 'floor-load.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Last resort: the bench process exiting takes the generator with it.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  void exited.then(() => process.off('exit', kill));

  let waiter: { type: FromLoad['type']; resolve: (m: FromLoad) => void; reject: (err: Error) => void } | null = null;
  const expect = <T extends FromLoad['type']>(type: T) =>
    new Promise<Extract<FromLoad, { type: T }>>((resolve, reject) => {
      waiter = { type, resolve: resolve as (m: FromLoad) => void, reject };
    });
  child.on('message', (m: FromLoad) => {
    const w = waiter;
    if (!w) return;
    waiter = null;
    if (m.type === 'failed') w.reject(new Error(`load generator: ${m.error}`));
    else if (m.type !== w.type) w.reject(new Error(`load generator said ${m.type}, expected ${w.type}`));
    else w.resolve(m);
  });
  void exited.then(() => waiter?.reject(new Error(`the load generator exited:\n${stderr}`)));
  const ask = <T extends FromLoad['type']>(message: ToLoad, type: T) => {
    const answer = expect(type);
    child.send(message);
    return answer;
  };

  const stopChild = stopper(child, exited);
  return expect('graph').then((hello) => ({
    pid: child.pid!,
    graphUrl: hello.url,
    setup: async (spec) => (await ask({ type: 'setup', spec }, 'ready')).seconds,
    phase: async (phase) => (await ask({ type: 'phase', phase }, 'phase')).result,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' } satisfies ToLoad);
      const timer = setTimeout(() => void stopChild(), 20_000);
      await exited;
      clearTimeout(timer);
    },
  }));
}

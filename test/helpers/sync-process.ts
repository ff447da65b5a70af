import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { testEnv } from './env.ts';

export { freePort } from './free-port.ts';

/**
 * Atende in a process of its own, for tests that kill it (`kill -9`). Run as a script
 * (`node --import tsx test/helpers/sync-process.ts` with DATABASE_URL and PORT set), it starts
 * the app on that database and prints one JSON line, `{ "url": … }`, once it listens.
 */
/** Starts Atende on this database and port (0: any), in this process. */
export async function startAppOn(databaseUrl: string, port: number) {
  const { startApp } = await import('../../server/app.ts');
  const { createLogger } = await import('../../server/log.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-proc-'));
  const env = testEnv(databaseUrl, dataDir, { PORT: String(port) });
  const app = await startApp(env, createLogger(env.LOG_LEVEL), databaseUrl);
  return {
    ...app,
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const app = await startAppOn(process.env.DATABASE_URL!, Number(process.env.PORT ?? 0));
  process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
}

export interface SyncProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resolves once the process is gone. */
  exited: Promise<void>;
}

/** Starts the script above as a child process and waits for its URL. */
export function startSyncProcess(databaseUrl: string, port: number, timeoutMs = 60_000): Promise<SyncProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      TEST_LOG_LEVEL: process.env.TEST_LOG_LEVEL,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server process did not start in time:\n${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ url: (JSON.parse(line) as { url: string }).url, pid: child.pid!, child, exited });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited (${code}) before listening:\n${err}`));
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

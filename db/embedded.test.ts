import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../server/env.ts';
import { EmbeddedDatabaseError, startEmbeddedDatabase } from './embedded.ts';

describe('embedded database start-up checks', () => {
  it('refuses a data folder of another PostgreSQL major version, saying how to migrate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-old-'));
    fs.mkdirSync(path.join(dir, 'pg'));
    fs.writeFileSync(path.join(dir, 'pg', 'PG_VERSION'), '15\n');
    const err = await startEmbeddedDatabase({ dataDir: dir, port: 1, log: () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddedDatabaseError);
    expect(err.message).toMatch(/PostgreSQL 15.*pg_dumpall/s);
    fs.rmSync(dir, { recursive: true });
  });

  it('says clearly when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-port-'));
    const err = await startEmbeddedDatabase({ dataDir: dir, port, log: () => {} }).catch((e) => e);
    expect(err.message).toMatch(new RegExp(`Port ${port} is already in use.*ATENDE_PG_PORT`, 's'));
    blocker.close();
    fs.rmSync(dir, { recursive: true });
  });

  it('says clearly when the data folder cannot be written', async () => {
    const file = path.join(os.tmpdir(), `atende-file-${process.pid}`);
    fs.writeFileSync(file, 'not a folder');
    const err = await startEmbeddedDatabase({ dataDir: path.join(file, 'data'), port: 1, log: () => {} }).catch((e) => e);
    expect(err.message).toMatch(/cannot be created or written.*ATENDE_DATA_DIR/s);
    fs.rmSync(file);
  });
});

describe('environment', () => {
  it('refuses REDIS_URL without DATABASE_URL, with the reason', () => {
    expect(() => parseEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/several processes must share one PostgreSQL/i);
  });
  it('turns the demo on by default only with the embedded database', () => {
    expect(parseEnv({}).ATENDE_DEMO).toBe(true);
    expect(parseEnv({ DATABASE_URL: 'postgres://u:p@db/atende' }).ATENDE_DEMO).toBe(false);
    expect(parseEnv({ ATENDE_DEMO: 'false' }).ATENDE_DEMO).toBe(false);
    expect(parseEnv({ PORT: '4000' }).APP_ORIGIN).toBe('http://localhost:4000');
  });
  it('explains a bad value', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});

describe('embedded database lifecycle', () => {
  it('keeps data across a stop and a start', async () => {
    const postgres = (await import('postgres')).default;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-restart-'));
    fs.chmodSync(dir, 0o755);
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const first = await startEmbeddedDatabase({ dataDir: dir, port, log: () => {} });
    let sql = postgres(first.url, { max: 1, onnotice: () => {} });
    await sql`CREATE TABLE kept (v text)`;
    await sql`INSERT INTO kept VALUES ('still here')`;
    await sql.end();
    await first.stop();
    const second = await startEmbeddedDatabase({ dataDir: dir, port, log: () => {} });
    sql = postgres(second.url, { max: 1, onnotice: () => {} });
    expect((await sql`SELECT v FROM kept`).map((r) => r.v)).toEqual(['still here']);
    await sql.end();
    await second.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

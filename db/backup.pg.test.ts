import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../server/auth/password.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { BackupError, type BackupManifest, listFiles } from './backup-files.ts';
import { restoreBackup } from './backup-restore.ts';
import { createBackup } from './backup.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.ts';
import { migrate } from './migrate.ts';
import { seedDemo } from './seed/demo.ts';
import { createSql } from './sql.ts';

/**
 * The physical backup needs a cluster of its own (the shared test cluster is busy with
 * every other file): a throwaway embedded PostgreSQL in a temporary folder, on its own port.
 */
let dataDir: string;
let port: number;
let db: EmbeddedDatabase | null = null;
/** Archives the tests write, removed at the end even when a test fails. */
const scratch: string[] = [];
const attachmentsDir = () => path.join(dataDir, 'attachments');
const start = async () => {
  db = await startEmbeddedDatabase({ dataDir, port, log: () => {} });
  return db;
};
const stop = async () => {
  await db?.stop();
  db = null;
};

async function tableCounts(url: string): Promise<Record<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const counts: Record<string, number> = {};
  for (const { name } of await sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`) {
    const [row] = await sql`SELECT count(*)::int AS n FROM ${sql(name as string)}`;
    counts[name as string] = row!.n as number;
  }
  await sql.end();
  return counts;
}

async function treeDigest(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of await listFiles(root))
    out[rel] = createHash('sha256')
      .update(fs.readFileSync(path.join(root, rel)))
      .digest('hex');
  return out;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-backup-'));
  fs.chmodSync(dataDir, 0o755); // as root, the cluster runs as "postgres", who must reach it
  port = await freePort();
  const { url } = await start();
  await migrate(url);
  const sql = createSql(url, { max: 1 });
  await seedDemo(sql, await hashPassword('backup-test-password'), {
    whatsappPhoneNumberId: '100000000000001',
    language: 'en',
    sampleConversations: true,
  });
  await sql`CREATE TABLE backup_probe (n int PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())`;
  await sql`CREATE TABLE backup_marks (label text PRIMARY KEY)`;
  await sql`INSERT INTO backup_marks (label) VALUES ('before backup')`;
  await sql.end();
  fs.mkdirSync(path.join(attachmentsDir(), 'org1', 'ab'), { recursive: true });
  fs.writeFileSync(path.join(attachmentsDir(), 'org1', 'ab', 'photo'), randomBytes(300_000));
  fs.writeFileSync(path.join(attachmentsDir(), 'org1', 'ab', 'note'), 'a small file');
}, 180_000);

afterAll(async () => {
  await stop();
  for (const p of [dataDir, ...scratch]) fs.rmSync(p, { recursive: true, force: true });
});

describe('npm run backup / npm run restore (embedded PostgreSQL, physical)', () => {
  it('a backup taken while writes run restores to the state of the backup, attachments included', async () => {
    const url = db!.url;
    const countsAtBackup = await tableCounts(url);
    const attachmentsAtBackup = await treeDigest(attachmentsDir());

    // Another connection commits one row after another during the whole backup.
    const writer = postgres(url, { max: 1, onnotice: () => {} });
    const committed: number[] = [];
    let writing = true;
    const writes = (async () => {
      for (let n = 1; writing; n++) {
        await writer`INSERT INTO backup_probe (n) VALUES (${n})`;
        committed.push(n);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();

    let committedAtStart = -1;
    const file = path.join(os.tmpdir(), `atende-backup-${process.pid}-${Date.now()}.tar.gz`);
    scratch.push(file);
    const manifest = await createBackup({
      file,
      dataDir,
      port,
      attachments: 'disk',
      attachmentsDir: attachmentsDir(),
      log: () => {},
      afterStart: async () => {
        committedAtStart = committed.length;
        // Writes land while the folder is copied, not only before it.
        await expect.poll(() => committed.length, { timeout: 10_000 }).toBeGreaterThan(committedAtStart + 20);
      },
    });
    const committedAtStop = committed.length;
    writing = false;
    await writes;
    await writer.end();
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.existsSync(`${file}.part`)).toBe(false);
    expect(manifest.postgres.major).toBe(17);
    expect(manifest.migrations.floor).toMatch(/^\d{4}_/);
    expect(manifest.files.some((f) => f.path === 'pg/backup_label')).toBe(true);
    expect(manifest.files.some((f) => f.path === 'attachments/org1/ab/photo')).toBe(true);

    // After the backup: a row and attachment changes that the restore must not bring back.
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`INSERT INTO backup_marks (label) VALUES ('after backup')`;
    await sql.end();
    fs.writeFileSync(path.join(attachmentsDir(), 'org1', 'ab', 'note'), 'changed after the backup');
    fs.writeFileSync(path.join(attachmentsDir(), 'org1', 'ab', 'later'), 'uploaded after the backup');

    // Refused while the database runs, with nothing moved.
    const refused = await restoreBackup({ file, dataDir, port, attachmentsDir: attachmentsDir(), log: () => {} }).catch((e) => e);
    expect(refused).toBeInstanceOf(BackupError);
    expect(refused.message).toMatch(/running.*stop Atende first/s);
    expect(fs.readdirSync(dataDir).filter((n) => n.includes('before-restore'))).toEqual([]);

    await stop();
    const restored = await restoreBackup({ file, dataDir, port, attachmentsDir: attachmentsDir(), log: () => {} });
    expect(restored.setAside.map((p) => path.basename(p)).sort()).toEqual([
      expect.stringMatching(/^attachments\.before-restore-\d{8}T\d{6}Z$/),
      expect.stringMatching(/^pg\.before-restore-\d{8}T\d{6}Z$/),
    ]);
    // The folders set aside are the ones from before the restore.
    const asideAttachments = restored.setAside.find((p) => path.basename(p).startsWith('attachments.'))!;
    expect(fs.readFileSync(path.join(asideAttachments, 'org1', 'ab', 'later'), 'utf8')).toBe('uploaded after the backup');

    const again = await start();
    const counts = await tableCounts(again.url);
    const { backup_probe: probeRows, ...rest } = counts;
    const { backup_probe: _ignored, ...restAtBackup } = countsAtBackup;
    expect(rest).toEqual(restAtBackup);
    expect(restored.tables).toEqual(counts);

    const check = postgres(again.url, { max: 1, onnotice: () => {} });
    const marks = await check`SELECT label FROM backup_marks ORDER BY label`;
    expect(marks.map((m) => m.label)).toEqual(['before backup']);
    // One connection committed 1, 2, 3… in order: the restored rows are an unbroken prefix that
    // holds every row committed before pg_backup_start and ends by the time it stopped.
    const probe = await check`SELECT n FROM backup_probe ORDER BY n`;
    const ns = probe.map((r) => r.n as number);
    expect(ns).toEqual(Array.from({ length: ns.length }, (_, i) => i + 1));
    expect(ns.length).toBe(probeRows);
    expect(ns.length).toBeGreaterThanOrEqual(committedAtStart + 20);
    expect(ns.length).toBeLessThanOrEqual(committedAtStop + 1);
    // The app's own data reads as well as it counts.
    const [demo] = await check`SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id`;
    expect(demo!.n).toBe(countsAtBackup.messages);
    await check.end();

    expect(await treeDigest(attachmentsDir())).toEqual(attachmentsAtBackup);
  }, 240_000);

  it('refuses a backup of another PostgreSQL major version before touching anything', async () => {
    await stop();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-backup-old-'));
    scratch.push(work);
    const manifest: BackupManifest = {
      format: 'atende-backup',
      formatVersion: 1,
      createdAt: new Date().toISOString(),
      postgres: { version: '16.4', major: 16, startLsn: '0/2000028', stopLsn: '0/2000100', walSegments: [] },
      migrations: {},
      attachments: 'disk',
      files: [],
    };
    fs.writeFileSync(path.join(work, 'manifest.json'), JSON.stringify(manifest));
    const file = path.join(work, 'old.tar.gz');
    await createTar({ gzip: true, file, cwd: work, portable: true }, ['manifest.json']);
    const before = fs.readdirSync(dataDir).sort();

    const err = await restoreBackup({ file, dataDir, port, attachmentsDir: attachmentsDir(), log: () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(BackupError);
    expect(err.message).toMatch(/PostgreSQL 16 database.*embeds PostgreSQL 17/s);
    expect(fs.readdirSync(dataDir).sort()).toEqual(before);
  });

  it('refuses while the port answers even without a live postmaster.pid in this folder', async () => {
    await stop();
    const other = net.createServer((socket) => socket.destroy());
    await new Promise<void>((r) => other.listen(port, '127.0.0.1', () => r()));
    try {
      const err = await restoreBackup({
        file: '/nonexistent.tar.gz',
        dataDir,
        port,
        attachmentsDir: attachmentsDir(),
        log: () => {},
      }).catch((e) => e);
      expect(err).toBeInstanceOf(BackupError);
      expect(err.message).toMatch(new RegExp(`answers on port ${port}.*stop it first`, 's'));
    } finally {
      other.close();
    }
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * What `npm run backup` writes and `npm run restore` reads: one tar.gz holding
 * `manifest.json`, `pg/` (a physical base backup of the embedded cluster, self-contained:
 * backup_label plus the WAL it needs in pg_wal/) and `attachments/` (the local disk store's
 * folder, when that store is used).
 */
export const BACKUP_FORMAT = 'atende-backup';
export const BACKUP_FORMAT_VERSION = 1;

export type AttachmentStore = 'disk' | 'pg' | 's3';

export interface BackupFile {
  /** Path inside the archive, with forward slashes (e.g. `pg/base/5/16384`). */
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  postgres: { version: string; major: number; startLsn: string; stopLsn: string; walSegments: string[] };
  /** Per migration set, the last migration applied when the backup started (null: none). */
  migrations: Record<string, string | null>;
  /** Where attachments lived; `disk` means `attachments/` holds them. */
  attachments: AttachmentStore;
  files: BackupFile[];
}

export class BackupError extends Error {}

/** The embedded cluster's postmaster, when one is alive for `pgDir` (from its postmaster.pid). */
export function livePostmaster(pgDir: string): { pid: number; port: number } | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, but another OS user's (the "postgres" user when we run as root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return { pid, port };
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Copies one file while hashing what was written. A file PostgreSQL removed meanwhile
 * (a dropped table, a recycled segment) is skipped: null. A file that changes while it is
 * read is fine for the data folder: WAL replay from backup_label repairs it.
 */
export async function copyHashed(from: string, to: string): Promise<{ size: number; sha256: string } | null> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(from, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const mode = (await handle.stat()).mode & 0o777;
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(handle.createReadStream(), tap, fs.createWriteStream(to, { mode }));
  return { size, sha256: hash.digest('hex') };
}

export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    size += chunk.length;
    hash.update(chunk);
  }
  return { size, sha256: hash.digest('hex') };
}

/** Every regular file under `root`, as paths relative to it with forward slashes. */
export async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.promises.readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}

/** A time stamp usable in a folder name: 20261207T014833Z. */
export function folderStamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { create as createTar } from 'tar';
import {
  type AttachmentStore,
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupError,
  type BackupFile,
  type BackupManifest,
  copyHashed,
  livePostmaster,
} from './backup-files.ts';
import { embeddedDatabaseUrl, startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.ts';
import { MIGRATION_SETS } from './migrate.ts';

export interface BackupOptions {
  /** The archive to write (tar.gz); refused if it exists. */
  file: string;
  /** ATENDE_DATA_DIR: the cluster is in `<dataDir>/pg`. */
  dataDir: string;
  /** ATENDE_PG_PORT: where to start the cluster when it is not running. */
  port: number;
  attachments: AttachmentStore;
  /** The disk store's folder (ATTACHMENT_DIR or `<dataDir>/attachments`). */
  attachmentsDir: string;
  log: (msg: string) => void;
  /** Test seam: runs once pg_backup_start has returned, before any file is copied. */
  afterStart?: () => Promise<void>;
}

/**
 * Files pg_basebackup leaves out of the top of the data folder ("Making a Base Backup Using
 * the Low Level API", PostgreSQL 17, and basebackup.c's exclude lists).
 */
const SKIPPED_TOP_FILES = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'backup_label',
  'tablespace_map',
  'backup_manifest',
  'backup_label.old',
]);
/** Folders kept empty: their contents are rebuilt at start (or, pg_wal, added from the stop below). */
const EMPTIED_DIRS = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_stat_tmp',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_subtrans',
]);

function skipped(name: string, top: boolean, parent: string): boolean {
  if (top && SKIPPED_TOP_FILES.has(name)) return true;
  if (name.endsWith('.tmp') || name.startsWith('pg_internal.init') || name.startsWith('pgsql_tmp')) return true;
  // Temporary tables' files (t<backend>_<relfilenode>): dropped at start anyway.
  return parent.startsWith('base/') && /^t\d+_\d+/.test(name);
}

async function copyDataFolder(pgDir: string, staging: string, files: BackupFile[], rel = ''): Promise<void> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(path.join(pgDir, rel), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // a database dropped meanwhile
    throw err;
  }
  for (const entry of entries) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (skipped(entry.name, rel === '', rel)) continue;
    if (rel === '' && EMPTIED_DIRS.has(entry.name)) {
      await fs.promises.mkdir(path.join(staging, child), { mode: 0o700 });
      continue;
    }
    if (entry.isSymbolicLink()) {
      throw new BackupError(
        `The embedded database folder has a link at ${path.join(pgDir, child)} (a tablespace?); ` +
          'this backup copies only the folder itself, so it cannot be complete. Remove the tablespace, or back up with your own tools.',
      );
    }
    if (entry.isDirectory()) {
      await fs.promises.mkdir(path.join(staging, child), { mode: 0o700 });
      await copyDataFolder(pgDir, staging, files, child);
    } else if (entry.isFile()) {
      const copied = await copyHashed(path.join(pgDir, child), path.join(staging, child));
      if (copied) files.push({ path: `pg/${child}`, ...copied });
    }
  }
}

async function copyFolder(from: string, to: string, prefix: string, files: BackupFile[], rel = ''): Promise<void> {
  await fs.promises.mkdir(path.join(to, rel), { recursive: true });
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(path.join(from, rel), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await copyFolder(from, to, prefix, files, child);
    else if (entry.isFile() && !entry.name.endsWith('.part')) {
      // `.part`: an upload still being written, not yet any message's file.
      const copied = await copyHashed(path.join(from, child), path.join(to, child));
      if (copied) files.push({ path: `${prefix}/${child}`, ...copied });
    }
  }
}

/** WAL segment names from the one holding `first` through the one holding `last` (both names). */
export function walSegmentsBetween(first: string, last: string, segmentBytes: number): string[] {
  const perId = 0x1_0000_0000n / BigInt(segmentBytes);
  const tli = first.slice(0, 8);
  const segno = (name: string) => BigInt(`0x${name.slice(8, 16)}`) * perId + BigInt(`0x${name.slice(16, 24)}`);
  const hex = (n: bigint) => n.toString(16).toUpperCase().padStart(8, '0');
  const out: string[] = [];
  for (let s = segno(first); s <= segno(last); s++) out.push(`${tli}${hex(s / perId)}${hex(s % perId)}`);
  return out;
}

async function migrationLevels(sql: postgres.Sql): Promise<Record<string, string | null>> {
  const levels: Record<string, string | null> = {};
  for (const set of MIGRATION_SETS) {
    const table = `migrations_${set}`;
    const [exists] = await sql`SELECT to_regclass(${`public.${table}`}) IS NOT NULL AS ok`;
    const rows = exists?.ok ? await sql`SELECT name FROM ${sql(table)} ORDER BY id DESC LIMIT 1` : [];
    levels[set] = (rows[0]?.name as string | undefined) ?? null;
  }
  return levels;
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * An online physical backup of the embedded cluster with PostgreSQL's low-level API, plus the
 * disk store's attachments, in one tar.gz. Works whether Atende is running (it connects to
 * the cluster) or not (it starts the cluster for the copy, then stops it).
 */
export async function createBackup(options: BackupOptions): Promise<BackupManifest> {
  const { log } = options;
  const file = path.resolve(options.file);
  const pgDir = path.resolve(options.dataDir, 'pg');
  const attachmentsDir = path.resolve(options.attachmentsDir);
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    throw new BackupError(`There is no embedded database in ${pgDir}: check ATENDE_DATA_DIR.`);
  }
  if (fs.existsSync(file)) throw new BackupError(`${file} already exists: choose another name, or remove it first.`);
  if (inside(file, pgDir) || (options.attachments === 'disk' && inside(file, attachmentsDir))) {
    throw new BackupError(`Write the backup outside the folders it copies (${pgDir}, ${attachmentsDir}).`);
  }

  const running = livePostmaster(pgDir);
  let started: EmbeddedDatabase | null = null;
  let url: string;
  if (running) {
    log(`The embedded PostgreSQL is running (pid ${running.pid}); backing up online.`);
    url = embeddedDatabaseUrl(running.port);
  } else {
    log('The embedded PostgreSQL is stopped; starting it for the backup.');
    started = await startEmbeddedDatabase({ dataDir: options.dataDir, port: options.port, log });
    url = started.url;
  }

  const staging = `${file}.part.d`;
  const part = `${file}.part`;
  const sql = postgres(url, { max: 1, onnotice: () => {}, idle_timeout: 0 });
  try {
    await fs.promises.rm(staging, { recursive: true, force: true });
    await fs.promises.mkdir(path.join(staging, 'pg'), { recursive: true, mode: 0o700 });
    const [server] = await sql`SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS num`;
    const [control] = await sql`SELECT bytes_per_wal_segment AS wal_segment_size FROM pg_control_init()`;
    const migrations = await migrationLevels(sql);
    const createdAt = new Date().toISOString();

    // One session for the whole backup: pg_backup_start/stop must run on the same one, and
    // its temporary slot holds every WAL segment from the start until we have copied it.
    const session = await sql.reserve();
    const files: BackupFile[] = [];
    let startLsn: string;
    let stop: { lsn: string; labelfile: string; spcmapfile: string | null };
    let walSegments: string[];
    try {
      const slot = `atende_backup_${process.pid}_${Date.now()}`;
      await session`SELECT pg_create_physical_replication_slot(${slot}, true, true)`;
      const [begun] = await session`SELECT pg_backup_start(${`atende ${createdAt}`}, true)::text AS lsn`;
      startLsn = begun!.lsn as string;
      log(`Backup started at WAL ${startLsn}; copying ${pgDir}.`);
      await options.afterStart?.();
      await copyDataFolder(pgDir, path.join(staging, 'pg'), files);
      const [ended] = await session`SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(false)`;
      stop = ended as typeof stop;
      files.push(await writeText(staging, 'pg/backup_label', stop.labelfile));
      if (stop.spcmapfile) files.push(await writeText(staging, 'pg/tablespace_map', stop.spcmapfile));
      const [names] = await session`SELECT pg_walfile_name(${startLsn}::pg_lsn) AS first, pg_walfile_name(${stop.lsn}::pg_lsn) AS last`;
      walSegments = walSegmentsBetween(names!.first as string, names!.last as string, Number(control!.wal_segment_size));
      for (const d of ['archive_status', 'summaries']) await fs.promises.mkdir(path.join(staging, 'pg', 'pg_wal', d), { recursive: true });
      for (const segment of walSegments) {
        const copied = await copyHashed(path.join(pgDir, 'pg_wal', segment), path.join(staging, 'pg', 'pg_wal', segment));
        if (!copied) throw new BackupError(`The WAL segment ${segment} the backup needs is gone; run the backup again.`);
        files.push({ path: `pg/pg_wal/${segment}`, ...copied });
      }
      await session`SELECT pg_drop_replication_slot(${slot})`;
      log(`Backup stopped at WAL ${stop.lsn}; ${walSegments.length} WAL segment(s) included.`);
    } finally {
      // On a failure the session is closed by sql.end below, which aborts the unfinished backup
      // and drops the temporary slot.
      session.release();
    }

    // Attachments after the stop: a message row in the backup committed after its file was
    // written, so the file is there now (a file uploaded later is an orphan, harmless).
    if (options.attachments === 'disk') {
      await copyFolder(attachmentsDir, path.join(staging, 'attachments'), 'attachments', files);
      log(`Attachments copied from ${attachmentsDir}.`);
    } else if (options.attachments === 's3') {
      log('Attachments are in S3: they are not in this backup; copy the bucket with the object store’s own tools.');
    }

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt,
      postgres: {
        version: server!.version as string,
        major: Math.floor((server!.num as number) / 10000),
        startLsn,
        stopLsn: stop.lsn,
        walSegments,
      },
      migrations,
      attachments: options.attachments,
      files,
    };
    await fs.promises.writeFile(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const top = ['manifest.json', 'pg', ...(options.attachments === 'disk' ? ['attachments'] : [])];
    await createTar({ gzip: true, file: part, cwd: staging, portable: true }, top);
    const handle = await fs.promises.open(part, 'r');
    await handle.sync();
    await handle.close();
    await fs.promises.rename(part, file);
    log(`Backup written to ${file} (${manifest.files.length} files).`);
    return manifest;
  } catch (err) {
    await fs.promises.rm(part, { force: true });
    throw err;
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
    await sql.end({ timeout: 5 });
    await started?.stop();
  }
}

async function writeText(staging: string, archivePath: string, text: string): Promise<BackupFile> {
  await fs.promises.writeFile(path.join(staging, archivePath), text, { mode: 0o600 });
  return { path: archivePath, size: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
}

/**
 * `npm run restore -- <file>`: puts a backup from `npm run backup` in place of the embedded
 * database and local attachments (the current folders are kept aside). Atende must be stopped.
 */
import path from 'node:path';
import { BackupError } from '../db/backup-files.ts';
import { restoreBackup } from '../db/backup-restore.ts';
import { EmbeddedDatabaseError } from '../db/embedded.ts';
import { EnvError, parseEnv } from '../server/env.ts';

const file = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (!file) {
  console.error('Usage: npm run restore -- <file.tar.gz>');
  process.exit(2);
}

try {
  const env = parseEnv();
  if (env.DATABASE_URL) {
    throw new BackupError(
      'DATABASE_URL is set: this command restores the embedded database only. Restore your PostgreSQL server with pg_restore ' +
        'of its own version, as docs/operations.md ("Backups and restore") describes.',
    );
  }
  // The disk store's folder, as server/services/storage-select.ts decides it.
  const attachmentsDir = path.resolve(env.ATTACHMENT_DIR ?? path.join(env.ATENDE_DATA_DIR, 'attachments'));
  const result = await restoreBackup({
    file,
    dataDir: env.ATENDE_DATA_DIR,
    port: env.ATENDE_PG_PORT,
    attachmentsDir,
    log: (m) => console.log(m),
  });
  for (const aside of result.setAside) console.log(`The previous folder is kept at ${aside}; delete it once you are satisfied.`);
  console.log(`Backup of ${result.manifest.createdAt} restored. Start Atende as usual (npm start).`);
} catch (e) {
  if (e instanceof BackupError || e instanceof EmbeddedDatabaseError || e instanceof EnvError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

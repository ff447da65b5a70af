/**
 * `npm run restore -- <file>`: puts a backup from `npm run backup` in place of the embedded
 * database and local attachments (the current folders are kept aside). Atende must be stopped.
 */
import { BackupError } from '../db/backup-files.ts';
import { restoreBackup } from '../db/backup-restore.ts';
import { EmbeddedDatabaseError } from '../db/embedded.ts';
import { EnvError, parseEnv } from '../server/env.ts';
import { attachmentDir } from '../server/services/storage-select.ts';

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
  const result = await restoreBackup({
    file,
    dataDir: env.ATENDE_DATA_DIR,
    port: env.ATENDE_PG_PORT,
    attachmentsDir: attachmentDir(env),
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

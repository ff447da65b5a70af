/**
 * `npm run backup -- <file>`: one tar.gz with the embedded database (an online physical
 * backup; Atende may keep running) and the local attachments. See docs/operations.md.
 */
import { BackupError } from '../db/backup-files.ts';
import { createBackup } from '../db/backup.ts';
import { EmbeddedDatabaseError } from '../db/embedded.ts';
import { EnvError, parseEnv } from '../server/env.ts';
import { attachmentDir } from '../server/services/storage-select.ts';

const file = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (!file) {
  console.error('Usage: npm run backup -- <file.tar.gz>');
  process.exit(2);
}

try {
  const env = parseEnv();
  if (env.DATABASE_URL) {
    throw new BackupError(
      'DATABASE_URL is set: this command backs up the embedded database only. Back up your PostgreSQL server with pg_dump/pg_restore ' +
        'of its own version, and attachments with your object store’s tools, as docs/operations.md ("Backups and restore") describes.',
    );
  }
  await createBackup({
    file,
    dataDir: env.ATENDE_DATA_DIR,
    port: env.ATENDE_PG_PORT,
    attachments: env.ATTACHMENT_STORAGE,
    attachmentsDir: attachmentDir(env),
    log: (m) => console.log(m),
  });
} catch (e) {
  if (e instanceof BackupError || e instanceof EmbeddedDatabaseError || e instanceof EnvError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

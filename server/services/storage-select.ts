import path from 'node:path';
import type { Sql } from '../../db/sql.ts';
import type { Env } from '../env.ts';
import type { AttachmentStorage, StorageKind } from './storage.ts';
import { LocalDiskStorage } from './storage.ts';
import { PostgresStorage } from './storage-pg.ts';

/** The folder of disk storage: ATTACHMENT_DIR, or the data folder's attachments/. */
export function attachmentDir(env: Env): string {
  return path.resolve(env.ATTACHMENT_DIR ?? path.join(env.ATENDE_DATA_DIR, 'attachments'));
}

/**
 * The store `kind` as the environment configures it (env.ts checks each kind has what it needs).
 * The AWS SDK is loaded only for S3: it takes a second to import.
 */
export async function createAttachmentStorage(kind: StorageKind, env: Env, sql: Sql): Promise<AttachmentStorage> {
  switch (kind) {
    case 'disk':
      return new LocalDiskStorage(attachmentDir(env));
    case 'pg':
      return new PostgresStorage(sql);
    case 's3': {
      const { S3_URL, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY } = env;
      if (!S3_URL || !S3_BUCKET || !S3_ACCESS_KEY_ID || !S3_SECRET_ACCESS_KEY)
        throw new Error('S3 storage needs S3_URL, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.');
      const { S3Storage } = await import('./storage-s3.ts');
      return new S3Storage({
        endpoint: S3_URL,
        bucket: S3_BUCKET,
        region: env.S3_REGION,
        accessKeyId: S3_ACCESS_KEY_ID,
        secretAccessKey: S3_SECRET_ACCESS_KEY,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
      });
    }
  }
}

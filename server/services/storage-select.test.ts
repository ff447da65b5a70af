import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../env.ts';

const DB = 'postgres://u:p@127.0.0.1:5432/atende';

function refusal(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  throw new Error('the environment was accepted');
}

describe('ATTACHMENT_STORAGE', () => {
  it('is disk without DATABASE_URL (embedded), pg with it', () => {
    expect(parseEnv({}).ATTACHMENT_STORAGE).toBe('disk');
    expect(parseEnv({ DATABASE_URL: DB }).ATTACHMENT_STORAGE).toBe('pg');
    expect(parseEnv({ ATTACHMENT_STORAGE: 'pg' }).ATTACHMENT_STORAGE).toBe('pg');
  });

  it('refuses disk with DATABASE_URL and no shared ATTACHMENT_DIR, saying why and what to set', () => {
    const message = refusal({ DATABASE_URL: DB, ATTACHMENT_STORAGE: 'disk' });
    expect(message).toContain('ATTACHMENT_STORAGE is disk and DATABASE_URL is set, but ATTACHMENT_DIR is not');
    expect(message).toContain('Set ATTACHMENT_DIR to a folder every process shares');
    expect(parseEnv({ DATABASE_URL: DB, ATTACHMENT_STORAGE: 'disk', ATTACHMENT_DIR: '/mnt/shared' }).ATTACHMENT_STORAGE).toBe('disk');
    // The embedded start keeps its data folder.
    expect(parseEnv({ ATTACHMENT_STORAGE: 'disk' }).ATTACHMENT_STORAGE).toBe('disk');
  });

  it('s3 needs the endpoint, the bucket and the keys; path style by default with S3_URL, region us-east-1', () => {
    expect(refusal({ DATABASE_URL: DB, ATTACHMENT_STORAGE: 's3', S3_URL: 'http://minio:9000' })).toContain(
      'ATTACHMENT_STORAGE is s3 but S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY are not set',
    );
    const env = parseEnv({
      DATABASE_URL: DB,
      ATTACHMENT_STORAGE: 's3',
      S3_URL: 'http://minio:9000',
      S3_BUCKET: 'files',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(env).toMatchObject({ ATTACHMENT_STORAGE: 's3', S3_FORCE_PATH_STYLE: true, S3_REGION: 'us-east-1' });
    expect(
      parseEnv({ ATTACHMENT_STORAGE: 'pg', S3_URL: 'https://s3.amazonaws.com', S3_FORCE_PATH_STYLE: 'false' }).S3_FORCE_PATH_STYLE,
    ).toBe(false);
    expect(refusal({ ATTACHMENT_STORAGE: 'ftp' })).toContain('Use disk, pg or s3.');
  });
});

describe('the start', () => {
  it('is refused with that sentence, before connecting to anything', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: DB, ATTACHMENT_STORAGE: 'disk' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('ATTACHMENT_STORAGE is disk and DATABASE_URL is set, but ATTACHMENT_DIR is not');
  });
});

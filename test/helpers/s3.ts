import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface LocalS3 {
  url: string;
  bucket: string;
  /** The environment that points ATTACHMENT_STORAGE=s3 at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A throwaway S3-compatible server (s3rver, files in a temporary folder) on a free loopback
 * port, with one bucket. Path-style only, as MinIO and most S3-compatible servers are used.
 */
export async function startS3(bucket = 'atende-test'): Promise<LocalS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    bucket,
    env: {
      ATTACHMENT_STORAGE: 's3',
      S3_URL: url,
      S3_BUCKET: bucket,
      // s3rver's fixed credentials.
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    async stop() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

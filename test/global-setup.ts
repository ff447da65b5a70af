import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { DEMO_PASSWORD, seedDemo } from '../db/seed/demo.ts';
import { createSql } from '../db/sql.ts';
import { hashPassword } from '../server/auth/password.ts';
import { freePort } from './helpers/free-port.ts';

export const TEMPLATE_DB = 'atende_template';

/**
 * One real PostgreSQL for the whole run (embedded, or DATABASE_URL's server), and one
 * migrated, demo-seeded template database; each test file clones it in milliseconds.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | null = null;
  let dataDir: string | null = null;
  let adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-test-'));
    fs.chmodSync(dataDir, 0o755);
    embedded = await startEmbeddedDatabase({ dataDir, port: await freePort(), log: () => {} });
    adminUrl = embedded.url;
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.unsafe(`CREATE DATABASE ${TEMPLATE_DB}`);
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  await migrate(templateUrl);
  const sql = createSql(templateUrl, { max: 1 });
  await seedDemo(sql, await hashPassword(DEMO_PASSWORD), {
    whatsappPhoneNumberId: '100000000000001',
    language: 'en',
    sampleConversations: false,
  });
  // The suite's fixtures name the demo's configuration in English (team "Support", disposition
  // "Resolved", canned "/protocol") and its people and customers speak Portuguese: the English
  // demo, with the people and the customers' language set back to pt-BR.
  await sql`UPDATE users SET language = 'pt-BR'`;
  await sql`UPDATE organizations SET customer_language = 'pt-BR'`;
  await sql.end();
  await admin.end();

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', TEMPLATE_DB);
  return async () => {
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * Issue 17 item 7: the demo organization is seeded in the language of the start
 * (ATENDE_DEMO_LANGUAGE, default pt-BR): teams, bot menu, templates, canned responses, tags,
 * dispositions and pauses, and its people.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { startApp } from '../../server/app.ts';
import { testEnv } from '../../test/helpers/app.ts';
import { parseEnv } from '../../server/env.ts';
import { createLogger } from '../../server/log.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** Starts the app on an empty database (the first start), as `npm start` does, and reads what it seeded. */
async function firstStart(overrides: Record<string, string>) {
  await db.sql`TRUNCATE organizations CASCADE`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-demo-lang-'));
  const env = testEnv(db.url, dataDir, { LOG_LEVEL: 'silent', ...overrides });
  const app = await startApp(env, createLogger('silent'), db.url);
  try {
    const names = async (table: 'teams' | 'tags' | 'dispositions' | 'pause_types') =>
      (await db.sql.unsafe(`SELECT name FROM ${table} ORDER BY name`)).map((r) => r.name as string);
    return {
      teams: await names('teams'),
      tags: await names('tags'),
      dispositions: await names('dispositions'),
      pauses: await names('pause_types'),
      canned: (await db.sql`SELECT shortcut, title FROM canned_responses ORDER BY shortcut`).map((r) => `/${r.shortcut} ${r.title}`),
      templates: (await db.sql`SELECT DISTINCT language FROM templates`).map((r) => r.language as string),
      channels: await db.sql`SELECT name, bot_greeting, bot_options FROM channels ORDER BY kind`,
      people: (await db.sql`SELECT DISTINCT language FROM users`).map((r) => r.language as string),
      customers: (await db.sql`SELECT customer_language FROM organizations`).map((r) => r.customer_language as string),
      // Issue 17 item 11: the sample conversations, and the web chat channel the banner names.
      conversations: (await db.sql`SELECT status FROM conversations ORDER BY status`).map((r) => r.status as string),
      bannerChannel: app.firstStart.demoWebchatChannelId,
      webchatChannel: (await db.sql`SELECT id FROM channels WHERE kind = 'webchat'`)[0]?.id as string,
    };
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('the demo in the language of the start', () => {
  it('seeds English data with ATENDE_DEMO_LANGUAGE=en', async () => {
    const demo = await firstStart({ ATENDE_DEMO_LANGUAGE: 'en' });
    expect(demo.teams).toEqual(['Sales', 'Support']);
    expect(demo.tags).toEqual(['Complaint', 'VIP']);
    expect(demo.dispositions).toEqual(['No answer', 'Resolved', 'Sale']);
    expect(demo.pauses).toEqual(['Break', 'Lunch']);
    expect(demo.canned).toEqual(['/greeting Greeting', '/protocol Protocol number', '/thanks Closing']);
    expect(demo.templates).toEqual(['en_US']);
    expect(demo.channels.map((c) => c.name)).toEqual(['Web chat', 'WhatsApp']);
    expect(demo.channels[0]!.bot_greeting).toBe('Hello! Which team would you like to talk to?');
    expect((demo.channels[0]!.bot_options as { label: string }[]).map((o) => o.label)).toEqual(['Support', 'Sales']);
    expect(demo.people).toEqual(['en']);
    expect(demo.customers).toEqual(['en']);
    expect(demo.conversations).toEqual(['active', 'active', 'closed', 'waiting']);
    expect(demo.bannerChannel).toBe(demo.webchatChannel);
  });

  it('seeds Brazilian Portuguese by default', async () => {
    const demo = await firstStart({});
    expect(demo.teams).toEqual(['Suporte', 'Vendas']);
    expect(demo.tags).toEqual(['Reclamação', 'VIP']);
    expect(demo.dispositions).toEqual(['Resolvido', 'Sem resposta', 'Venda']);
    expect(demo.pauses).toEqual(['Almoço', 'Intervalo']);
    expect(demo.canned).toEqual(['/obrigado Encerramento', '/protocolo Número do protocolo', '/saudacao Saudação']);
    expect(demo.templates).toEqual(['pt_BR']);
    expect((demo.channels[0]!.bot_options as { label: string }[]).map((o) => o.label)).toEqual(['Suporte', 'Vendas']);
    expect(demo.people).toEqual(['pt-BR']);
    expect(demo.customers).toEqual(['pt-BR']);
  });

  it('seeds Spanish with ATENDE_DEMO_LANGUAGE=es, and refuses a language it does not have', async () => {
    const demo = await firstStart({ ATENDE_DEMO_LANGUAGE: 'es' });
    expect(demo.teams).toEqual(['Soporte', 'Ventas']);
    expect(demo.dispositions).toEqual(['Resuelto', 'Sin respuesta', 'Venta']);
    expect(demo.people).toEqual(['es']);
    expect(() => parseEnv({ ATENDE_DEMO_LANGUAGE: 'fr' })).toThrow(/ATENDE_DEMO_LANGUAGE/);
  });
});

import os from 'node:os';
import { createSql, type Sql } from '../../db/sql.ts';
import type { RunningApp } from '../../server/app.ts';
import { launchBrowser } from '../../test/helpers/browser.ts';
import { ensureClientBuilt } from '../../test/helpers/client-build.ts';
import { makeChannel } from '../../test/helpers/conversations.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { withDemoApp } from '../lib/demo-app.ts';

export interface ChromiumRun {
  app: RunningApp;
  sql: Sql;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  ids: Awaited<ReturnType<typeof demoIds>>;
  /** A webchat channel of the demo organization. */
  channel: Awaited<ReturnType<typeof makeChannel>>;
}

/**
 * The client benches' stage: the built client served by the demo app on a fresh database,
 * headless Chromium, every user online in English; the machine is printed first so a
 * result can be read against it. Browser and connection are closed also when `fn` throws.
 */
export async function withChromiumRun(fn: (run: ChromiumRun) => Promise<void>): Promise<void> {
  await ensureClientBuilt();
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(
    `Node ${process.version}, ${os.cpus().length} × ${cpu}; headless Chromium (playwright-core) on the built client; server and browser on the same machine.\n`,
  );
  await withDemoApp(async ({ app, databaseUrl }) => {
    const sql = createSql(databaseUrl, { max: 2 });
    const browser = await launchBrowser();
    try {
      const ids = await demoIds(sql);
      const channel = await makeChannel(sql, ids, 'webchat');
      await sql`UPDATE users SET language = 'en', status = 'online', connected = true`;
      await fn({ app, sql, browser, ids, channel });
    } finally {
      await browser.close();
      await sql.end({ timeout: 2 });
    }
  });
}

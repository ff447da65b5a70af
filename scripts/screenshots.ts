/**
 * `npx tsx scripts/screenshots.ts`: refreshes the pictures in docs/images from a fresh demo,
 * started exactly as `npm start` does (embedded PostgreSQL in a temporary folder, demo with
 * its sample conversations), in the system Chromium.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/helpers/browser.ts';
import { freePort } from '../test/helpers/free-port.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs', 'images');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atende-shots-'));
fs.chmodSync(dataDir, 0o755);
const port = await freePort();
const origin = `http://localhost:${port}`;
const server = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
  cwd: ROOT,
  env: {
    ...process.env,
    PORT: String(port),
    ATENDE_PG_PORT: String(await freePort()),
    ATENDE_DATA_DIR: dataDir,
    APP_ORIGIN: origin,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let banner = '';
server.stdout!.on('data', (d: Buffer) => (banner += d.toString()));
const stop = async () => {
  server.kill('SIGINT');
  await new Promise((r) => server.once('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
};

try {
  const deadline = Date.now() + 180_000;
  while (!banner.includes('Demo logins')) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the demo did not start:\n${banner}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const browser = await launchBrowser();
  const shot = async (
    email: string,
    route: string,
    file: string,
    size = { width: 1366, height: 800 },
    ready?: (page: Page) => Promise<unknown>,
  ) => {
    const context = await browser.newContext({ viewport: size, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo' });
    const page = await context.newPage();
    await page.goto(`${origin}/login`);
    await page.getByLabel(/e-mail/i).fill(email);
    await page.getByLabel(/senha|password/i).fill('atende-demo');
    await page.getByLabel(/senha|password/i).press('Enter');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto(`${origin}${route}`);
    await page.waitForLoadState('networkidle');
    await ready?.(page);
    await page.screenshot({ path: path.join(OUT, file) });
    console.log(`docs/images/${file}`);
    await context.close();
  };
  await shot('admin@demo.test', '/admin/monitor', 'admin-monitor.png');
  await shot('admin@demo.test', '/admin/users', 'admin-users.png');
  await shot('admin@demo.test', '/admin/teams', 'admin-teams.png');
  await shot('admin@demo.test', '/admin/channels', 'admin-channels.png');
  await shot('admin@demo.test', '/admin/organization', 'admin-organization.png');
  await shot('ana@demo.test', '/', 'workspace-waiting.png');
  await shot('ana@demo.test', '/in-service', 'workspace-in-service.png', undefined, async (page) => {
    await page.locator('[data-conversation-id]').first().click();
    await page.locator('textarea').first().waitFor();
    await page.waitForLoadState('networkidle');
  });
  await shot('ana@demo.test', '/', 'phone-waiting.png', { width: 390, height: 844 });
  await browser.close();
} finally {
  await stop();
}

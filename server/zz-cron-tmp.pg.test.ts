import { it, expect } from 'vitest';
import { startTestApp } from '../test/helpers/app.ts';
it('cron fires', async () => {
  const app = await startTestApp();
  const app2 = await startTestApp();
  await new Promise((r) => setTimeout(r, 65_000));
  const rows = await app.db.sql`SELECT identifier, last_execution FROM graphile_worker._private_known_crontabs`;
  const jobs = await app.db.sql`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`;
  console.log(rows, jobs);
  expect(rows[0]!.last_execution).not.toBeNull();
  await app.stop(); await app2.stop();
}, 120_000);

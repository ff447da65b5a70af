import type { TestApp, TestClient } from '../helpers/app.ts';
import type { Ids } from './types.ts';

/** A supervisor of the demo organization's Support team, signed in (a user of their own: the other rows' agents stay agents). */
export async function createSupervisor(app: TestApp, ids: Ids): Promise<TestClient> {
  const sql = app.db.sql;
  const [ana] = await sql`SELECT password_hash FROM users WHERE id = ${ids.users['ana@demo.test']!}`;
  const [row] = await sql`INSERT INTO users (org_id, email, name, role, language, password_hash)
    VALUES (${ids.orgId}, 'supervisor@demo.test', 'Sam Supervisor', 'supervisor', 'en', ${ana!.password_hash as string}) RETURNING id`;
  await sql`INSERT INTO team_members (org_id, team_id, user_id) VALUES (${ids.orgId}, ${ids.teams.Support}, ${row!.id as string})`;
  return app.login('supervisor@demo.test');
}

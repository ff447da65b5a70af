import { afterAll, beforeAll } from 'vitest';
import { insertTeam, setUserTeams } from '../../db/queries/teams.ts';
import { insertUser } from '../../db/queries/users.ts';
import { refusalOf, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { demoIds } from '../../test/helpers/orgs.ts';
import { hashPassword } from '../auth/password.ts';

/**
 * What the internal chat's .pg test files share: each starts its own app (on a database of
 * its own) through `useChatApp()`, with the demo's people signed in and online, and Dora, an
 * agent whose only team does not allow internal chat.
 */

export let app: TestApp;
export let ids: Awaited<ReturnType<typeof demoIds>>;
/** Signed-in clients by first name: ana, bruno, carla, admin. */
export const as: Record<string, TestClient> = {};
export let dora: TestClient;
export let doraId: string;
export let ana: string, bruno: string, carla: string;

/** Registers the file's hooks: the app started in beforeAll, stopped in afterAll. */
export function useChatApp(): void {
  beforeAll(async () => {
    app = await startTestApp({}, { sync: { idleUnloadMs: 300 } });
    ids = await demoIds(app.db.sql);
    for (const who of ['ana', 'bruno', 'carla', 'admin']) as[who] = await app.login(`${who}@demo.test`);
    [ana, bruno, carla] = [ids.users['ana@demo.test'], ids.users['bruno@demo.test'], ids.users['carla@demo.test']];
    // Dora works in a team that does not allow internal chat.
    const backOffice = await insertTeam(app.db.sql, ids.orgId, { name: 'Back office', internalChat: false });
    const u = await insertUser(app.db.sql, {
      orgId: ids.orgId,
      email: 'dora@demo.test',
      name: 'Dora Lima',
      role: 'agent',
      language: 'en',
      passwordHash: await hashPassword('atende-demo'),
    });
    await setUserTeams(app.db.sql, ids.orgId, u.id, [backOffice.id]);
    doraId = u.id;
    dora = await app.login('dora@demo.test');
    await app.db.sql`UPDATE users SET status = 'online', connected = true WHERE org_id = ${ids.orgId}`;
  });
  afterAll(() => app?.stop());
}

/** Awaits a call that must be refused: its code, the domain reason and the sentence. */
export async function refusal(p: Promise<unknown>): Promise<{ code: string; reason: unknown; message: string }> {
  try {
    await p;
  } catch (e) {
    const refused = refusalOf(e);
    if (refused) return { code: refused.code, reason: refused.data.reason, message: refused.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The room as `client` lists it, or undefined when it is not one of theirs. */
export const roomOf = async (client: TestClient, roomId: string) => (await client.chat.list.query()).find((r) => r.roomId === roomId);

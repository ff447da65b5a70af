import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callByPath, refusalOf, startTestApp, type TestApp, type TestClient } from '../helpers/app.ts';
import { createOtherOrg, demoIds } from '../helpers/orgs.ts';
import { appRouter } from '../../server/router.ts';
import { parts } from './index.ts';
import { withConversation } from './conversations.ts';
import { makeChannel, waitingConversation } from '../helpers/conversations.ts';
import type { Case, Ids } from './types.ts';
import { createSupervisor } from './supervisor.ts';

/** A subscription's refusal, read off the wire (the matrix only needs its code). */
class StreamRefused extends Error {
  constructor(public code: string) {
    super(code);
  }
}

/**
 * Every procedure of the router, who may call it, and what a user of another organization
 * gets when aiming it at the demo organization's ids (rows in test/matrix/, one file per
 * part). A procedure missing from the matrix fails the run.
 */
const matrix: Record<string, Case> = Object.assign({}, ...parts.map((p) => p.rows));

let app: TestApp;
let ids: Ids;
let agent: TestClient;
let outsider: TestClient;
let outsiderTeamId: string;
let outsiderAgentId: string;

beforeAll(async () => {
  app = await startTestApp();
  ids = { ...(await demoIds(app.db.sql)), extra: {} };
  for (const part of parts) Object.assign(ids.extra, await part.setup?.(app, ids));
  agent = await app.login('ana@demo.test');
  const other = await createOtherOrg(app.db.sql, 'isolation');
  outsider = await app.login(other.admin.email, other.password);
  outsiderTeamId = other.team.id;
  outsiderAgentId = other.agent.id;
});
afterAll(() => app?.stop());

async function call(client: TestClient, path: string, c: Case, input: unknown) {
  if (c.type === 'subscription') {
    const res = await fetch(`${client.baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input ?? {}))}`, {
      headers: client.cookie ? { cookie: client.cookie } : {},
    });
    if (res.status !== 200) {
      const text = await res.text();
      throw new StreamRefused(JSON.parse(text).error?.data?.code ?? 'UNKNOWN');
    }
    // Over SSE a refusal is a "serialized-error" event; a served stream starts with "connected".
    const reader = res.body!.getReader();
    let text = '';
    while (!/event: (connected|serialized-error)[\s\S]*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const refused = /event: serialized-error\ndata: (.*)\n/.exec(text);
    if (refused) throw new StreamRefused(JSON.parse(refused[1]!).data?.code ?? 'UNKNOWN');
    return null;
  }
  return callByPath(client, c.type, path, input);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof StreamRefused) return e.code;
    const refused = refusalOf(e);
    if (refused) return refused.code;
    throw e;
  }
}

describe('access matrix', () => {
  it('covers every procedure of the router', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(procedures.filter((p) => !(p in matrix))).toEqual([]);
    expect(Object.keys(matrix).filter((p) => !procedures.includes(p))).toEqual([]);
  });

  it('refuses a logged-out caller everywhere but the public procedures', async () => {
    for (const [path, c] of Object.entries(matrix)) {
      if (c.access === 'public') continue;
      expect([path, await codeOf(call(app.client(), path, c, c.input?.(ids)))]).toEqual([path, 'UNAUTHORIZED']);
    }
  });

  it('refuses an agent every admin procedure', async () => {
    for (const [path, c] of Object.entries(matrix)) {
      if (c.access !== 'admin' && c.access !== 'supervisor') continue;
      expect([path, await codeOf(call(agent, path, c, c.input?.(ids)))]).toEqual([path, 'FORBIDDEN']);
    }
  });

  it('lets a supervisor see the board and the reports, and refuses them every other admin procedure', async () => {
    const supervisor = await createSupervisor(app, ids);
    for (const [path, c] of Object.entries(matrix)) {
      if (c.access === 'supervisor' && c.type === 'query') {
        expect([path, await codeOf(call(supervisor, path, c, c.input?.(ids)))]).toEqual([path, 'OK']);
      } else if (c.access === 'admin') {
        expect([path, await codeOf(call(supervisor, path, c, c.input?.(ids)))]).toEqual([path, 'FORBIDDEN']);
      }
    }
  });

  it('never lets another organization read or change the demo organization', async () => {
    const demoSecrets = [ids.orgId, ...Object.values(ids.users), ...Object.values(ids.teams), ...Object.values(ids.extra)];
    for (const [path, c] of Object.entries(matrix)) {
      if (c.access === 'public' || c.crossOrg === 'no-target' || c.type === 'subscription' || path === 'auth.logout') continue;
      const input = c.input?.(ids);
      if (c.crossOrg === 'NOT_FOUND' || c.crossOrg === 'BAD_REQUEST' || c.crossOrg === 'FORBIDDEN') {
        expect([path, await codeOf(call(outsider, path, c, input))]).toEqual([path, c.crossOrg]);
      } else {
        const result = JSON.stringify(await call(outsider, path, c, input));
        for (const secret of demoSecrets) expect([path, result.includes(secret)]).toEqual([path, false]);
      }
    }
    // And nothing of the demo organization changed.
    const [ana] = await app.db.sql`SELECT name, deactivated_at FROM users WHERE id = ${ids.users['ana@demo.test']!}`;
    expect(ana).toMatchObject({ name: 'Ana Souza', deactivated_at: null });
    const teams = await app.db.sql`SELECT name FROM teams WHERE org_id = ${ids.orgId} ORDER BY name`;
    expect(teams.map((t) => t.name)).toEqual(['Sales', 'Support']);
    const [org] = await app.db.sql`SELECT name FROM organizations WHERE id = ${ids.orgId}`;
    expect(org!.name).toBe('Demo');
  });

  it('refuses an agent of another team, and a team member who neither serves nor was invited', async () => {
    // A Sales conversation (Ana is in Support only) and a Support one that Carla serves (Bruno is in Support).
    const channel = await makeChannel(app.db.sql, ids);
    const sales = await waitingConversation(app, channel, '5511966665555', '2');
    const ana = await app.login('ana@demo.test');
    const bruno = await app.login('bruno@demo.test');
    const carla = await app.login('carla@demo.test');
    await app.db.sql`UPDATE users SET status = 'online', connected = true`;
    for (const [path, c] of Object.entries(matrix)) {
      if (!c.otherTeam) continue;
      const input = withConversation(c.input?.(ids), sales.id);
      expect([path, await codeOf(call(ana, path, c, input))]).toEqual([path, c.otherTeam]);
    }
    for (const [path, c] of Object.entries(matrix)) {
      if (!c.notParticipant) continue;
      const served = await waitingConversation(app, channel, `55119666${String(Object.keys(matrix).indexOf(path)).padStart(5, '0')}`, '1');
      await carla.conversations.claim.mutate({ conversationId: served.id });
      const input = withConversation(c.input?.(ids), served.id);
      expect([path, await codeOf(call(bruno, path, c, input))]).toEqual([path, c.notParticipant]);
    }
  });

  it('refuses cross-organization references hidden in otherwise valid input', async () => {
    const admin = await app.login('admin@demo.test');
    // A demo admin adding another organization's agent to a demo team, or a demo user to its team.
    expect(await codeOf(admin.admin.teams.setMembers.mutate({ teamId: ids.teams.Support, userIds: [outsiderAgentId] }))).toBe('NOT_FOUND');
    expect(await codeOf(admin.admin.users.update.mutate({ userId: ids.users['ana@demo.test'], teamIds: [outsiderTeamId] }))).toBe(
      'BAD_REQUEST',
    );
    expect(await codeOf(admin.admin.users.invite.mutate({ email: 'z@demo.test', name: 'Z', teamIds: [outsiderTeamId] }))).toBe(
      'BAD_REQUEST',
    );
    // E-mail uniqueness is per organization: the same address may exist in both.
    await admin.admin.users.invite.mutate({ email: 'admin@isolation.test', name: 'Same address', teamIds: [] });
  });
});

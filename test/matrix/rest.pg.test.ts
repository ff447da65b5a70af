import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, type ApiScope } from '../../server/domain/api-tokens.ts';
import { restRouter } from '../../server/api/router.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { adminOf, apiCall, makeToken } from '../helpers/api-tokens.ts';
import { makeChannel, makeTemplate } from '../helpers/conversations.ts';
import { makeContact, makeConversation } from '../helpers/factories.ts';
import { createOtherOrg, demoIds } from '../helpers/orgs.ts';

/**
 * The access matrix of the REST API (/api/v1), with the column the issue adds: a token with the
 * wrong scope. For every operation: no token → 401, a revoked token → 401, a token lacking the
 * operation's scope → 403 naming it, another organization's token aimed at the demo
 * organization's ids → 404 (or only its own data), the right scope → 200.
 */
type Ids = Awaited<ReturnType<typeof demoIds>> & {
  contact: string;
  sendTarget: string;
  conversation: string;
  channel: string;
  template: string;
};
interface RestCase {
  scope: ApiScope;
  method: 'GET' | 'POST' | 'PATCH';
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  crossOrg: 404 | 'own-data';
}

let serial = 0;
const fresh = () => `55119444${String(serial++).padStart(5, '0')}`;

const rows: Record<string, RestCase> = {
  'contacts.list': { scope: 'contacts:read', method: 'GET', path: () => '/api/v1/contacts', crossOrg: 'own-data' },
  'contacts.get': { scope: 'contacts:read', method: 'GET', path: (ids) => `/api/v1/contacts/${ids.contact}`, crossOrg: 404 },
  'contacts.create': {
    scope: 'contacts:write',
    method: 'POST',
    path: () => '/api/v1/contacts',
    body: () => ({ name: 'Matrix contact', email: `m${serial}@example.com`, whatsapp: fresh() }),
    crossOrg: 'own-data',
  },
  'contacts.update': {
    scope: 'contacts:write',
    method: 'PATCH',
    path: (ids) => `/api/v1/contacts/${ids.contact}`,
    body: () => ({ fields: { source: 'matrix' } }),
    crossOrg: 404,
  },
  'conversations.list': { scope: 'conversations:read', method: 'GET', path: () => '/api/v1/conversations', crossOrg: 'own-data' },
  'conversations.get': {
    scope: 'conversations:read',
    method: 'GET',
    path: (ids) => `/api/v1/conversations/${ids.conversation}`,
    crossOrg: 404,
  },
  'templates.catalog': { scope: 'templates:send', method: 'GET', path: () => '/api/v1/templates', crossOrg: 'own-data' },
  'templates.send': {
    scope: 'templates:send',
    method: 'POST',
    path: (ids) => `/api/v1/contacts/${ids.sendTarget}/templates`,
    body: (ids) => ({ channelId: ids.channel, teamId: ids.teams.Support, templateId: ids.template, params: ['Ana', '7'] }),
    crossOrg: 404,
  },
  'reports.summary': {
    scope: 'reports:read',
    method: 'GET',
    path: () => '/api/v1/reports/summary?from=2026-01-01&to=2026-12-31',
    crossOrg: 'own-data',
  },
};

let app: TestApp;
let ids: Ids;
let revoked: string;
let outsider: string;
/** Per scope, a demo token holding every other scope. */
const lacking = {} as Record<ApiScope, string>;
let full: string;

beforeAll(async () => {
  app = await startTestApp();
  const demo = await demoIds(app.db.sql);
  const channel = await makeChannel(app.db.sql, demo);
  const contact = await makeContact(app.db.sql, demo.orgId, { name: 'Demo contact', whatsapp: '5511933330001', email: 'd@x.test' });
  ids = {
    ...demo,
    contact,
    sendTarget: await makeContact(app.db.sql, demo.orgId, { name: 'Send target', whatsapp: '5511933330002', email: 't@x.test' }),
    conversation: await makeConversation(app.db.sql, demo.orgId, { contactId: contact, channelId: channel.id, status: 'closed' }),
    channel: channel.id,
    template: await makeTemplate(app.db.sql, demo.orgId, channel.id),
  };
  const admin = await adminOf(app);
  for (const scope of API_SCOPES)
    lacking[scope] = (
      await makeToken(
        admin,
        API_SCOPES.filter((s) => s !== scope),
      )
    ).secret;
  full = (await makeToken(admin, [...API_SCOPES], 'full')).secret;
  const gone = await makeToken(admin, [...API_SCOPES], 'revoked');
  await admin.admin.apiTokens.revoke.mutate({ tokenId: gone.id });
  revoked = gone.secret;
  const other = await createOtherOrg(app.db.sql, 'rest');
  const otherAdmin = await app.login(other.admin.email, other.password);
  outsider = (await makeToken(otherAdmin, [...API_SCOPES], 'outsider')).secret;
});
afterAll(() => app?.stop());

const call = (token: string | null, c: RestCase) => apiCall(app.url, token, c.method, c.path(ids), c.body?.(ids));

describe('REST API access matrix', () => {
  it('covers every operation of the REST router', () => {
    expect(Object.keys(restRouter._def.procedures).sort()).toEqual(Object.keys(rows).sort());
  });

  it('refuses a request without a token, and one with a revoked token', async () => {
    for (const [name, c] of Object.entries(rows)) {
      expect([name, (await call(null, c)).status]).toEqual([name, 401]);
      expect([name, (await call(revoked, c)).status]).toEqual([name, 401]);
    }
  });

  it('refuses a token without the scope, saying which one is needed', async () => {
    for (const [name, c] of Object.entries(rows)) {
      const answer = await call(lacking[c.scope], c);
      expect([name, answer.status, answer.body.message]).toEqual([name, 403, expect.stringContaining(`"${c.scope}"`)]);
    }
  });

  it("never lets another organization's token read or change the demo organization", async () => {
    const secrets = [
      ids.orgId,
      ids.contact,
      ids.sendTarget,
      ids.conversation,
      ids.channel,
      ids.template,
      ...Object.values(ids.users),
      ...Object.values(ids.teams),
    ];
    for (const [name, c] of Object.entries(rows)) {
      const answer = await call(outsider, c);
      if (c.crossOrg === 404) {
        expect([name, answer.status]).toEqual([name, 404]);
      } else {
        expect([name, answer.status]).toEqual([name, 200]);
        const text = JSON.stringify(answer.body);
        for (const secret of secrets) expect([name, text.includes(secret)]).toEqual([name, false]);
      }
    }
    // Nothing of the demo organization changed or was sent.
    const [contact] = await app.db.sql`SELECT fields FROM contacts WHERE id = ${ids.contact}`;
    expect(contact!.fields).toEqual({});
    expect(await app.db.sql`SELECT 1 FROM conversations WHERE contact_id = ${ids.sendTarget}`).toHaveLength(0);
  });

  it('serves a token with the right scope', async () => {
    for (const [name, c] of Object.entries(rows)) {
      expect([name, (await call(full, c)).status]).toEqual([name, 200]);
    }
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../i18n/index.ts';
import { refusal, startTestApp, type TestApp, type TestClient } from '../../test/helpers/app.ts';
import { adminOf, apiCall, makeToken } from '../../test/helpers/api-tokens.ts';
import { parseToken } from '../domain/api-tokens.ts';

let app: TestApp;
let admin: TestClient;

beforeAll(async () => {
  app = await startTestApp();
  // Refusals come in the signed-in user's language.
  await app.db.sql`UPDATE users SET language = 'en'`;
  admin = await adminOf(app);
});
afterAll(() => app?.stop());

const EN = (key: Parameters<typeof translate>[1]) => translate('en', key);

describe('API tokens', () => {
  it('shows the token once and stores only the hash of its secret', async () => {
    const created = await admin.admin.apiTokens.create.mutate({ name: 'CRM sync', scopes: ['contacts:read', 'contacts:read'] });
    const parsed = parseToken(created.secret)!;
    expect(parsed).not.toBeNull();
    expect(created.token).toMatchObject({
      name: 'CRM sync',
      scopes: ['contacts:read'],
      prefix: parsed.prefix,
      state: 'active',
      lastUsedAt: null,
    });
    const [me] = await app.db.sql`SELECT id, name FROM users WHERE email = 'admin@demo.test'`;
    expect(created.token.createdBy).toEqual({ id: me!.id, name: me!.name });

    // The list never carries the secret or its hash.
    const listed = JSON.stringify(await admin.admin.apiTokens.list.query());
    expect(listed).toContain(parsed.prefix);
    expect(listed).not.toContain(parsed.secret);

    // The database holds SHA-256 of the secret, and the secret nowhere.
    const [row] = await app.db
      .sql`SELECT secret_hash, row_to_json(api_tokens)::text AS whole FROM api_tokens WHERE id = ${created.token.id}`;
    expect(Buffer.from(row!.secret_hash as Buffer).equals(createHash('sha256').update(parsed.secret).digest())).toBe(true);
    expect(row!.whole as string).not.toContain(parsed.secret);

    // Audited with who and what.
    const [entry] = await app.db
      .sql`SELECT actor_user_id, details FROM audit_log WHERE action = 'api_token_created' ORDER BY id DESC LIMIT 1`;
    const [adminRow] = await app.db.sql`SELECT id FROM users WHERE email = 'admin@demo.test'`;
    expect(entry!.actor_user_id).toBe(adminRow!.id);
    expect(entry!.details).toMatchObject({ tokenId: created.token.id, name: 'CRM sync', scopes: ['contacts:read'] });
  });

  it('authenticates by the bearer token only: not by a session cookie, not by a wrong secret', async () => {
    const { secret } = await makeToken(admin, ['contacts:read']);
    expect((await apiCall(app.url, secret, 'GET', '/api/v1/contacts')).status).toBe(200);

    const none = await apiCall(app.url, null, 'GET', '/api/v1/contacts', undefined, { cookie: admin.cookie! });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'UNAUTHORIZED', message: EN('api.unauthenticated') });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');

    const { prefix } = parseToken(secret)!;
    const forged = await apiCall(app.url, `atd_${prefix}_${'x'.repeat(43)}`, 'GET', '/api/v1/contacts');
    expect(forged.status).toBe(401);
    expect(forged.body.message).toBe(EN('api.tokenUnknown'));
    expect((await apiCall(app.url, 'not-a-token', 'GET', '/api/v1/contacts')).body.message).toBe(EN('api.tokenUnknown'));
  });

  it('records the last use at most once a minute', async () => {
    const { secret, id } = await makeToken(admin, ['contacts:read']);
    const lastUse = async () => (await app.db.sql`SELECT last_used_at FROM api_tokens WHERE id = ${id}`)[0]!.last_used_at as Date | null;
    expect(await lastUse()).toBeNull();
    await apiCall(app.url, secret, 'GET', '/api/v1/contacts');
    const first = await lastUse();
    expect(first).toBeInstanceOf(Date);
    await apiCall(app.url, secret, 'GET', '/api/v1/contacts');
    expect((await lastUse())!.getTime()).toBe(first!.getTime());
    // Over a minute later (moved back rather than waited for), the next request writes it again.
    await app.db.sql`UPDATE api_tokens SET last_used_at = now() - interval '61 seconds' WHERE id = ${id}`;
    const before = (await lastUse())!;
    await apiCall(app.url, secret, 'GET', '/api/v1/contacts');
    expect((await lastUse())!.getTime()).toBeGreaterThan(before.getTime());
    expect((await admin.admin.apiTokens.list.query()).find((t) => t.id === id)!.lastUsedAt).not.toBeNull();
  });

  it('stops an expired token with a sentence that says so', async () => {
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const { secret, id } = await makeToken(admin, ['contacts:read'], 'expiring', inAnHour);
    expect((await apiCall(app.url, secret, 'GET', '/api/v1/contacts')).status).toBe(200);
    await app.db.sql`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = ${id}`;
    const expired = await apiCall(app.url, secret, 'GET', '/api/v1/contacts');
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe(EN('api.tokenExpired'));
    expect((await admin.admin.apiTokens.list.query()).find((t) => t.id === id)!.state).toBe('expired');
    // An expiry in the past is refused at creation.
    const past = await refusal(
      admin.admin.apiTokens.create.mutate({ name: 'x', scopes: ['contacts:read'], expiresAt: '2020-01-01T00:00:00Z' }),
    );
    expect(past).toMatchObject({ code: 'BAD_REQUEST', message: EN('api.expiryPast') });
  });

  it('revokes a token at once, audited; a second revocation is NOT_FOUND', async () => {
    const { secret, id } = await makeToken(admin, ['contacts:read'], 'to revoke');
    expect((await apiCall(app.url, secret, 'GET', '/api/v1/contacts')).status).toBe(200);
    const revoked = await admin.admin.apiTokens.revoke.mutate({ tokenId: id });
    expect(revoked.state).toBe('revoked');
    const answer = await apiCall(app.url, secret, 'GET', '/api/v1/contacts');
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe(EN('api.tokenRevoked'));
    expect((await refusal(admin.admin.apiTokens.revoke.mutate({ tokenId: id }))).code).toBe('NOT_FOUND');
    const [entry] = await app.db.sql`SELECT details FROM audit_log WHERE action = 'api_token_revoked' ORDER BY id DESC LIMIT 1`;
    expect(entry!.details).toMatchObject({ tokenId: id, name: 'to revoke' });
  });

  it('refuses a token with the wrong scope with the scope it needs', async () => {
    const { secret } = await makeToken(admin, ['reports:read']);
    const answer = await apiCall(app.url, secret, 'GET', '/api/v1/contacts');
    expect(answer.status).toBe(403);
    expect(answer.body.message).toBe(translate('en', 'api.scopeMissing', { scope: 'contacts:read' }));
  });

  it('validates what an admin creates, and refuses everyone else', async () => {
    expect((await refusal(admin.admin.apiTokens.create.mutate({ name: 'x', scopes: [] }))).code).toBe('BAD_REQUEST');
    expect((await refusal(admin.admin.apiTokens.create.mutate({ name: 'x', scopes: ['admin' as never] }))).code).toBe('BAD_REQUEST');
    const ana = await app.login('ana@demo.test');
    expect((await refusal(ana.admin.apiTokens.create.mutate({ name: 'x', scopes: ['contacts:read'] }))).code).toBe('FORBIDDEN');
    expect((await refusal(ana.admin.apiTokens.list.query())).code).toBe('FORBIDDEN');
  });
});

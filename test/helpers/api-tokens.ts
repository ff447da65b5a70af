import type { ApiScope } from '../../server/domain/api-tokens.ts';
import type { TestApp, TestClient } from './app.ts';

export interface ApiAnswer {
  status: number;
  body: { message?: string; code?: string; data?: { reason?: string | null } } & Record<string, unknown>;
  headers: Headers;
}

/** One REST API request, as an integration sends it (`token` null: no Authorization header). */
export async function apiCall(
  baseUrl: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'accept-language': 'en',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

/** A token made through the admin procedure (as the admin screen does); returns its secret and id. */
export async function makeToken(
  admin: TestClient,
  scopes: ApiScope[],
  name = `token ${scopes.join(' ')}`,
  expiresAt: string | null = null,
) {
  const created = await admin.admin.apiTokens.create.mutate({ name, scopes, expiresAt });
  return { secret: created.secret, id: created.token.id };
}

export async function adminOf(app: TestApp): Promise<TestClient> {
  return app.login('admin@demo.test', 'atende-demo', { 'accept-language': 'en' });
}

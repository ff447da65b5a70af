import { createHmac } from 'node:crypto';
import { getChannel, type Channel } from '../../db/queries/channels.ts';
import type { Sql } from '../../db/sql.ts';
import { startTestApp, type TestApp } from './app.ts';
import { startFakeGraph, type FakeGraph } from './fake-graph.ts';

export const APP_SECRET = 'test-app-secret';
export const VERIFY_TOKEN = 'test-verify-token';
export const PHONE_NUMBER_ID = '100000000000001';

export function sign(body: string, secret = APP_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Posts a webhook payload exactly as Meta does: raw JSON, signed. */
export async function postWebhook(
  baseUrl: string,
  payload: unknown,
  opts: { path?: string; secret?: string; signature?: string | null } = {},
) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = opts.signature === undefined ? sign(body, opts.secret) : opts.signature;
  if (signature) headers['x-hub-signature-256'] = signature;
  return fetch(`${baseUrl}${opts.path ?? '/webhooks/whatsapp'}`, { method: 'POST', headers, body });
}

/** One change of Meta's envelope around messages and/or statuses. */
export function envelope(value: Record<string, unknown>, phoneNumberId = PHONE_NUMBER_ID) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA-1', changes: [{ field: 'messages', value: change(value, phoneNumberId) }] }],
  };
}

export function change(value: Record<string, unknown>, phoneNumberId = PHONE_NUMBER_ID) {
  return { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId }, ...value };
}

let n = 0;
export function textMessage(from: string, body: string, extra: Record<string, unknown> = {}) {
  return {
    contacts: [{ profile: { name: 'Cliente Teste' }, wa_id: from }],
    messages: [
      { from, id: `wamid.IN${Date.now()}${n++}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body }, ...extra },
    ],
  };
}

export function statusUpdate(wamid: string, status: string, ourId?: string, extra: Record<string, unknown> = {}) {
  return {
    statuses: [
      {
        id: wamid,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: '5511900000000',
        ...(ourId ? { biz_opaque_callback_data: ourId } : {}),
        ...extra,
      },
    ],
  };
}

/**
 * The app with the environment-configured WhatsApp channel talking to a local fake Graph API
 * (deliveries and media polled every 100 ms, so tests wait little).
 */
export async function startWhatsAppApp(
  options: Parameters<typeof startTestApp>[1] = {},
  env: Record<string, string> = {},
): Promise<{ app: TestApp; graph: FakeGraph }> {
  const graph = await startFakeGraph({ token: 'env-access-token' });
  const app = await startTestApp(
    {
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_ACCESS_TOKEN: 'env-access-token',
      WHATSAPP_GRAPH_URL: graph.url,
      // The fake serves media files from its own origin, over http: allowed by configuration only.
      WHATSAPP_MEDIA_HOSTS: graph.url,
      ...env,
    },
    { channels: { delivery: { pollMs: 100, leaseMs: 60_000 }, mediaPollMs: 100 }, ...options },
  );
  return { app, graph };
}

/**
 * The environment-configured channel (the demo seed makes it; created when absent) with a
 * two-option bot menu: a first message gets the menu, the next ones the "invalid" answer.
 */
export async function botMenuChannel(sql: Sql, ids: { orgId: string; teams: Record<string, string> }): Promise<Channel> {
  const [existing] = await sql`SELECT id FROM channels WHERE phone_number_id = ${PHONE_NUMBER_ID}`;
  const id =
    existing?.id ??
    (
      await sql`INSERT INTO channels (org_id, kind, name, phone_number_id, env_managed) VALUES (${ids.orgId}, 'whatsapp', 'WhatsApp', ${PHONE_NUMBER_ID}, true) RETURNING id`
    )[0]!.id;
  await sql`UPDATE channels SET bot_greeting = 'Hello! Which team?', bot_invalid_message = 'Sorry?',
    bot_options = ${sql.json([
      { key: '1', label: 'Support', teamId: ids.teams.Support },
      { key: '2', label: 'Sales', teamId: ids.teams.Sales },
    ])}
    WHERE id = ${id}`;
  return (await getChannel(sql, ids.orgId, id as string))!;
}

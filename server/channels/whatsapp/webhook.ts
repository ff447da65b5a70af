import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  channelByPhoneNumberId,
  getChannel,
  whatsappChannelOrgId,
  type Channel,
  type ChannelSecrets,
} from '../../../db/queries/channels.ts';
import { setMediaStatus } from '../../../db/queries/messages.ts';
import { ingestBatch, type InboundMessage } from '../../commands/conversations/ingest.ts';
import type { Services } from '../../services/index.ts';
import { parseWebhook, type ParsedInbound } from './parse.ts';
import { applyStatus } from './statuses.ts';
import { applyTemplateStatusUpdates, parseTemplateStatusUpdates } from './template-status.ts';
import { channelsByWabaId } from '../../../db/queries/template-sync.ts';
import { servedByEnv } from '../../domain/whatsapp-env.ts';

const MAX_BODY = 3 * 1024 * 1024;

export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function equalSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}

/**
 * Secrets for a route. /webhooks/whatsapp uses the environment's, and only for the channel
 * the environment configures (see domain/whatsapp-env.ts); /webhooks/whatsapp/<id> uses that
 * channel's own, so a channel without its own app secret receives nothing (401).
 */
interface Route {
  secrets: ChannelSecrets;
  /** Which stored channel a phone_number_id in the payload may address through this route. */
  accepts: (channel: Channel & ChannelSecrets) => boolean;
}

async function routeFor(s: Services, channelId: string | null): Promise<Route | null> {
  if (!channelId) {
    const env = s.env;
    return {
      secrets: {
        appSecret: env.WHATSAPP_APP_SECRET ?? null,
        verifyToken: env.WHATSAPP_VERIFY_TOKEN ?? null,
        accessToken: env.WHATSAPP_ACCESS_TOKEN ?? null,
      },
      accepts: (c) => servedByEnv(c, env.WHATSAPP_PHONE_NUMBER_ID),
    };
  }
  if (!/^[0-9a-f-]{36}$/i.test(channelId)) return null;
  const orgId = await whatsappChannelOrgId(s.sql, channelId);
  if (!orgId) return null;
  const channel = await getChannel(s.sql, orgId, channelId);
  const full = channel?.phoneNumberId ? await channelByPhoneNumberId(s.sql, channel.phoneNumberId) : null;
  if (!full) return null;
  return { secrets: full, accepts: (c) => c.id === full.id };
}

const inboundOf = (channel: Channel, m: ParsedInbound): InboundMessage => ({
  channel,
  from: { whatsapp: m.from && /^\d{8,15}$/.test(m.from) ? m.from : null, whatsappUserId: m.fromUserId, name: m.profileName },
  channelMessageId: m.wamid,
  sentAt: m.sentAt,
  kind: m.kind,
  text: m.text,
  payload: m.payload,
});

/**
 * One channel's messages of a payload, in one transaction (a message refused on its own
 * account is logged and skipped; any other failure throws, and the payload is answered 503).
 * The media fetcher is woken after the commit.
 */
async function ingestChannel(s: Services, channel: Channel, messages: ParsedInbound[]): Promise<void> {
  const media = new Map<string, ParsedInbound['media']>(messages.map((m) => [m.wamid, m.media]));
  let wakeFetcher = false;
  const outcomes = await ingestBatch(
    s,
    messages.map((m) => inboundOf(channel, m)),
    async (tx, m, result) => {
      const item = media.get(m.channelMessageId);
      if (!item) return;
      // A media id that is not Meta's is never put into a Graph URL: the message says "unavailable".
      await setMediaStatus(tx, channel.orgId, result.message.id, item.id ? 'pending' : 'failed');
      if (item.id) wakeFetcher = true;
      else s.log.warn({ wamid: m.channelMessageId }, 'WhatsApp media id is not a Graph media id; not fetched');
    },
  );
  outcomes.forEach((o, i) => {
    if ('refused' in o)
      s.log.error({ err: o.refused, wamid: messages[i]!.wamid }, 'WhatsApp message refused; the others of its payload were stored');
  });
  if (wakeFetcher) s.mediaFetcher?.wake();
}

/**
 * /webhooks/whatsapp[/<channelId>]: GET is Meta's verification handshake; POST is verified
 * with X-Hub-Signature-256 over the raw bytes before anything is parsed, then every message
 * and status is stored; 200 only after that commits, 503 when storage fails (Meta retries,
 * and the wamid dedupe makes the retry harmless).
 */
export async function handleWhatsappWebhook(s: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const channelId = url.pathname.split('/')[3] ?? null;
  let route: Route | null;
  try {
    route = await routeFor(s, channelId);
  } catch {
    return reply(res, 503, 'Storage unavailable, retry later.');
  }
  if (!route) return reply(res, 404, 'Unknown channel.');

  if (req.method === 'GET') {
    const mode = url.searchParams.get('hub.mode');
    const token = url.searchParams.get('hub.verify_token') ?? '';
    const challenge = url.searchParams.get('hub.challenge') ?? '';
    if (mode === 'subscribe' && route.secrets.verifyToken && equalSecret(token, route.secrets.verifyToken))
      return reply(res, 200, challenge);
    return reply(res, 403, 'Verification failed.');
  }
  if (req.method !== 'POST') return reply(res, 405, 'Use GET or POST.');

  const raw = await readBody(req);
  if (!raw) return reply(res, 413, 'Payload too large.');
  if (!route.secrets.appSecret) return reply(res, 401, 'This channel has no app secret configured.');
  if (!verifySignature(raw, req.headers['x-hub-signature-256'] as string | undefined, route.secrets.appSecret)) {
    return reply(res, 401, 'Invalid signature.');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return reply(res, 400, 'Not JSON.');
  }
  const parsed = parseWebhook(body);
  try {
    const channels = new Map<string, (Channel & ChannelSecrets) | null>();
    const channelFor = async (phoneNumberId: string) => {
      if (!channels.has(phoneNumberId)) {
        const c = await channelByPhoneNumberId(s.sql, phoneNumberId);
        channels.set(phoneNumberId, c?.active && route!.accepts(c) ? c : null);
      }
      return channels.get(phoneNumberId) ?? null;
    };
    // One transaction per channel (so each holds one organization's locks only), taken in a
    // fixed order (organization, then channel): two payloads naming the same channels in
    // different orders then lock them in the same order.
    const byChannel = new Map<string, { channel: Channel; messages: ParsedInbound[] }>();
    for (const m of parsed.messages) {
      const channel = await channelFor(m.phoneNumberId);
      if (!channel) {
        s.log.warn({ phoneNumberId: m.phoneNumberId, wamid: m.wamid }, 'WhatsApp message for a number no channel here serves; ignored');
        continue;
      }
      const group = byChannel.get(channel.id) ?? { channel, messages: [] };
      group.messages.push(m);
      byChannel.set(channel.id, group);
    }
    const order = (g: { channel: Channel }) => `${g.channel.orgId}/${g.channel.id}`;
    for (const { channel, messages } of [...byChannel.values()].sort((a, b) => (order(a) < order(b) ? -1 : 1))) {
      await ingestChannel(s, channel, messages);
    }
    for (const st of parsed.statuses) {
      const channel = await channelFor(st.phoneNumberId);
      if (channel && !(await applyStatus(s, channel, st))) s.log.info({ wamid: st.wamid }, 'status for a message we do not know; ignored');
    }
    // Template status changes name the Business Account, not a number (template-status.ts).
    const templateUpdates = parseTemplateStatusUpdates(body);
    if (templateUpdates.length > 0) {
      await applyTemplateStatusUpdates(s, templateUpdates, async (wabaId) =>
        (await channelsByWabaId(s.sql, wabaId)).filter((c) => route!.accepts(c)),
      );
    }
  } catch (err) {
    s.log.error({ err }, 'WhatsApp webhook not stored; answering 503 so Meta retries');
    return reply(res, 503, 'Storage unavailable, retry later.');
  }
  reply(res, 200, 'OK');
}

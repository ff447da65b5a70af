import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { getAttachment } from '../../../db/queries/attachments.ts';
import { getOrganization } from '../../../db/queries/organizations.ts';
import {
  activeWebchatChannel,
  latestVisitorConversation,
  unreadOutboundUpTo,
  visitorMessage,
  visitorHasMessage,
  visitorMessages,
  visitorUploaded,
  type Visitor,
} from '../../../db/queries/webchat.ts';
import { pickLanguage, type Language } from '../../../i18n/index.ts';
import type { ChannelProfile, MessagesAnswer, ReadAnswer, SendAnswer, SessionAnswer } from '../../../shared/webchat-wire.ts';
import { ingestInbound } from '../../commands/conversations/ingest.ts';
import { clientIp, isForeignOrigin } from '../../http/request.ts';
import type { Services } from '../../services/index.ts';
import { advanceOutbound } from './delivery.ts';
import { handleVisitorUpload, serveVisitorFile } from './files.ts';
import { parseOr400, readJson, refuse, sendJson, visitorTokenOf } from './http.ts';
import type { WebchatLimits } from './limits.ts';
import type { WebchatStreams } from './stream.ts';
import { visitorView } from './view.ts';
import { authenticateVisitor, openVisitorSession } from './visitors.ts';

const PAGE = 200;

const sessionInput = z.object({
  channelId: z.guid(),
  name: z.string().trim().max(120).optional(),
});

const sendInput = z
  .object({
    clientMessageId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w.:-]+$/, 'Letters, digits and . _ : - only.'),
    text: z.string().max(4096).optional(),
    attachmentId: z.guid().optional(),
    /** The widget says which channel it is on; a token of another channel is refused. */
    channelId: z.guid().optional(),
  })
  .strict();

const listInput = z.object({
  after: z.guid().optional(),
  /** The page just older than this message (the visitor scrolled up); without `after`. */
  before: z.guid().optional(),
  channelId: z.guid().optional(),
  limit: z.coerce.number().int().min(1).max(PAGE).optional(),
});

const readInput = z.object({ upToMessageId: z.guid(), channelId: z.guid().optional() }).strict();

/** What a file's type makes of a message, as the agent's view names media kinds. */
function kindFor(contentType: string | null): string {
  if (!contentType) return 'text';
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('video/')) return 'video';
  if (contentType.startsWith('audio/')) return 'audio';
  return 'document';
}

export interface WebchatContext {
  s: Services;
  limits: WebchatLimits;
  streams: WebchatStreams;
}

/**
 * /webchat/*: the widget's API, JSON, authenticated by the visitor token (Authorization:
 * Bearer). Same origin as the widget; a foreign browser origin is refused like /trpc.
 */
export async function handleWebchatApi(ctx: WebchatContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { s } = ctx;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const lang = pickLanguage(req.headers['accept-language']);
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
  const ip = clientIp(req, s.env.TRUST_PROXY);

  // Public and read-only: the launcher on the company's own page (another origin) reads it too.
  if (route === 'GET /webchat/channel') return channelProfile(ctx, url, res, lang);

  if (isForeignOrigin(req, s.env.APP_ORIGIN)) return refuse(res, 403, lang, 'error.foreignOrigin');

  if (route === 'POST /webchat/session') return createSession(ctx, req, res, lang, ip);

  const isStream = route === 'GET /webchat/stream';
  const visitor = await authenticateVisitor(s.sql, visitorTokenOf(req, url, isStream), s.env.WEBCHAT_VISITOR_TTL_DAYS);
  if (!visitor) return refuse(res, 401, lang, 'webchat.badToken');
  const claimed = url.searchParams.get('channelId');
  if (claimed && claimed !== visitor.channelId) return refuse(res, 403, lang, 'error.forbidden');

  switch (route) {
    case 'GET /webchat/messages':
      return listMessages(ctx, url, res, lang, visitor);
    case 'POST /webchat/messages':
      return postMessage(ctx, req, res, lang, ip, visitor);
    case 'POST /webchat/read':
      return markRead(ctx, req, res, lang, visitor);
    case 'POST /webchat/upload':
      if (!(await ctx.limits.take('uploadVisitor', visitor.id)))
        return refuse(res, 429, lang, 'webchat.tooManyMessages', { headers: { 'retry-after': '60' } });
      return handleVisitorUpload(req, res, s, ctx.limits, visitor, lang, ip);
    case 'GET /webchat/stream':
      return ctx.streams.open(res, visitor, ip, lang);
  }
  if (req.method === 'GET' && url.pathname.startsWith('/webchat/files/')) {
    return serveVisitorFile(res, s, visitor, url.pathname.slice('/webchat/files/'.length), lang);
  }
  refuse(res, 404, lang, 'error.notFound');
}

const profileInput = z.object({ channelId: z.guid() });
const COLOUR = /^#[0-9a-fA-F]{6}$/;

/**
 * GET /webchat/channel?channelId=: the organization's name and brand colour and the channel's
 * menu, for the widget's header and buttons and the launcher's colour. No token: it says
 * nothing a visitor of the chat would not see, so any page may read it (CORS `*`, no cookies).
 */
async function channelProfile(ctx: WebchatContext, url: URL, res: ServerResponse, lang: Language): Promise<void> {
  res.setHeader('access-control-allow-origin', '*');
  const input = parseOr400(res, lang, profileInput, Object.fromEntries(url.searchParams));
  if (!input) return;
  const channel = await activeWebchatChannel(ctx.s.sql, input.channelId);
  const org = channel ? await getOrganization(ctx.s.sql, channel.orgId) : null;
  if (!channel || !org) return refuse(res, 404, lang, 'webchat.unknownChannel');
  const body: ChannelProfile = {
    channel: { id: channel.id, name: channel.name },
    organization: { name: org.name, brandColor: COLOUR.test(org.brandColor) ? org.brandColor.toLowerCase() : null },
    menu: channel.botOptions.map((o) => ({ key: o.key, label: o.label })),
    noOneAvailableMessage: channel.noOneAvailableMessage,
    allowedSites: channel.allowedSites,
  };
  sendJson(res, 200, body);
}

async function createSession(ctx: WebchatContext, req: IncomingMessage, res: ServerResponse, lang: Language, ip: string): Promise<void> {
  const input = parseOr400(res, lang, sessionInput, await readJson(req));
  if (!input) return;
  if (!(await ctx.limits.take('sessionIp', ip)))
    return refuse(res, 429, lang, 'webchat.tooManySessions', { headers: { 'retry-after': '60' } });
  const channel = await activeWebchatChannel(ctx.s.sql, input.channelId);
  if (!channel) return refuse(res, 404, lang, 'webchat.unknownChannel');
  const held = visitorTokenOf(req, new URL(req.url ?? '/', 'http://localhost'));
  const { token, visitor, created } = await openVisitorSession(
    ctx.s.sql,
    channel,
    input.name || null,
    held,
    ctx.s.env.WEBCHAT_VISITOR_TTL_DAYS,
  );
  sendJson(res, created ? 201 : 200, {
    visitorToken: token,
    visitorId: visitor.id,
    channel: { id: channel.id, name: channel.name },
  } satisfies SessionAnswer);
}

async function listMessages(ctx: WebchatContext, url: URL, res: ServerResponse, lang: Language, visitor: Visitor): Promise<void> {
  const input = parseOr400(res, lang, listInput, Object.fromEntries(url.searchParams));
  if (!input) return;
  // Another visitor's message id finds nothing, as a wrong id does.
  if (input.before && !(await visitorHasMessage(ctx.s.sql, visitor, input.before))) return refuse(res, 404, lang, 'error.notFound');
  const { rows, more, older } = await visitorMessages(ctx.s.sql, visitor, input.after ?? null, input.limit ?? PAGE, input.before ?? null);
  // Fetched by the widget: the outbound ones are delivered now.
  const pending = rows.filter((r) => r.direction === 'out' && (r.status === 'queued' || r.status === 'sent')).map((r) => r.id);
  const advanced = new Map((await advanceOutbound(ctx.s, visitor.orgId, pending, 'delivered')).map((m) => [m.id, m.status]));
  const messages = rows.map((r) => visitorView(advanced.has(r.id) ? { ...r, status: advanced.get(r.id)! } : r, visitor.id));
  sendJson(res, 200, {
    messages,
    // A page back (`before`) leaves the cursor of newer messages where the widget has it.
    cursor: input.before ? (input.after ?? null) : (messages.at(-1)?.id ?? input.after ?? null),
    more,
    older,
    conversation: await latestVisitorConversation(ctx.s.sql, visitor),
  } satisfies MessagesAnswer);
}

async function postMessage(
  ctx: WebchatContext,
  req: IncomingMessage,
  res: ServerResponse,
  lang: Language,
  ip: string,
  visitor: Visitor,
): Promise<void> {
  const { s } = ctx;
  const input = parseOr400(res, lang, sendInput, await readJson(req));
  if (!input) return;
  if (input.channelId && input.channelId !== visitor.channelId) return refuse(res, 403, lang, 'error.forbidden');
  const text = (input.text ?? '').trim();
  if (!text && !input.attachmentId) return refuse(res, 400, lang, 'webchat.emptyMessage', { fields: { text: 'required' } });
  if (!(await ctx.limits.take('messageVisitor', visitor.id)) || !(await ctx.limits.take('messageIp', ip))) {
    return refuse(res, 429, lang, 'webchat.tooManyMessages', { headers: { 'retry-after': '60' } });
  }
  let contentType: string | null = null;
  if (input.attachmentId) {
    if (!(await visitorUploaded(s.sql, visitor, input.attachmentId))) return refuse(res, 404, lang, 'webchat.unknownFile');
    contentType = (await getAttachment(s.sql, visitor.orgId, input.attachmentId))?.contentType ?? null;
  }
  const channel = await activeWebchatChannel(s.sql, visitor.channelId);
  if (!channel) return refuse(res, 404, lang, 'webchat.unknownChannel');
  const result = await ingestInbound(s, {
    channel,
    from: { webchatVisitorId: visitor.id, name: visitor.name || null },
    // The widget's id, scoped to this visitor: a retried POST is stored once.
    channelMessageId: `webchat:${visitor.id}:${input.clientMessageId}`,
    sentAt: new Date(),
    kind: kindFor(contentType),
    text,
    payload: {},
    attachmentId: input.attachmentId ?? null,
  });
  const row = await visitorMessage(s.sql, visitor, result.message.id);
  if (!row) return refuse(res, 404, lang, 'error.notFound');
  sendJson(res, result.duplicate ? 200 : 201, { message: visitorView(row, visitor.id), duplicate: result.duplicate } satisfies SendAnswer);
}

async function markRead(ctx: WebchatContext, req: IncomingMessage, res: ServerResponse, lang: Language, visitor: Visitor): Promise<void> {
  const input = parseOr400(res, lang, readInput, await readJson(req));
  if (!input) return;
  if (input.channelId && input.channelId !== visitor.channelId) return refuse(res, 403, lang, 'error.forbidden');
  const ids = await unreadOutboundUpTo(ctx.s.sql, visitor, input.upToMessageId);
  if (ids === null) return refuse(res, 404, lang, 'error.notFound');
  const changed = await advanceOutbound(ctx.s, visitor.orgId, ids, 'read');
  sendJson(res, 200, { read: changed.map((m) => m.id) } satisfies ReadAnswer);
}

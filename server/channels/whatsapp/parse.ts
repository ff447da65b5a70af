/**
 * Meta's WhatsApp Cloud API webhook payloads → what Atende needs. Pure and forgiving: every
 * entry × change × message/status is read; a type we do not know becomes `unsupported`
 * with the raw object kept, never an exception. (Shapes: notes/whatsapp-cloud-api.md.)
 */
import { isMediaId } from './graph.ts';

export interface ParsedMedia {
  /** Meta's media id; null when it is not one (not a plain number): never fetched, marked unavailable. */
  id: string | null;
  mimeType: string | null;
  sha256: string | null;
  filename: string | null;
  voice: boolean;
}

export interface ParsedInbound {
  phoneNumberId: string;
  /** The sender's number (wa_id), digits only; absent for senders identified only by a user id. */
  from: string | null;
  fromUserId: string | null;
  profileName: string | null;
  wamid: string;
  sentAt: Date;
  kind: string;
  text: string;
  media: ParsedMedia | null;
  payload: Record<string, unknown>;
}

export interface ParsedStatus {
  phoneNumberId: string;
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  recipientId: string | null;
  ourMessageId: string | null;
  error: { code: number; title: string } | null;
}

export interface ParsedWebhook {
  messages: ParsedInbound[];
  statuses: ParsedStatus[];
  /** Changes we do not act on (other fields, errors at the value level), kept for the log. */
  ignored: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

function timestamp(v: unknown): Date {
  const n = Number(str(v));
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : new Date();
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

function parseMessage(m: Obj): Pick<ParsedInbound, 'kind' | 'text' | 'media' | 'payload'> {
  const type = str(m.type) ?? 'unsupported';
  const payload: Obj = {};
  if (m.context) payload.context = m.context;
  if (m.errors) payload.errors = m.errors;
  if (m.referral) payload.referral = m.referral;
  const body = obj(m[type]);
  if (type === 'text') return { kind: 'text', text: str(body.body) ?? '', media: null, payload };
  if (MEDIA_TYPES.has(type) && str(body.id)) {
    const media: ParsedMedia = {
      id: isMediaId(str(body.id)!) ? str(body.id) : null,
      mimeType: str(body.mime_type),
      sha256: str(body.sha256),
      filename: str(body.filename),
      voice: body.voice === true,
    };
    payload.media = body;
    return { kind: type === 'audio' && media.voice ? 'voice' : type, text: str(body.caption) ?? '', media, payload };
  }
  if (type === 'location') {
    payload.location = body;
    const label = [str(body.name), str(body.address)].filter(Boolean).join(' — ');
    return { kind: 'location', text: label || `${str(body.latitude) ?? '?'}, ${str(body.longitude) ?? '?'}`, media: null, payload };
  }
  if (type === 'contacts') {
    const list = arr(m.contacts).map(obj);
    payload.contacts = list;
    const names = list.map((c) => str(obj(c.name).formatted_name) ?? str(obj(c.name).first_name) ?? '').filter(Boolean);
    return { kind: 'contacts', text: names.join(', '), media: null, payload };
  }
  if (type === 'interactive') {
    const reply = obj(body[str(body.type) ?? ''] ?? body.button_reply ?? body.list_reply ?? body.nfm_reply);
    payload.interactive = body;
    return { kind: 'interactive', text: str(reply.title) ?? str(reply.id) ?? str(reply.body) ?? '', media: null, payload };
  }
  if (type === 'button') {
    payload.button = body;
    return { kind: 'button', text: str(body.text) ?? str(body.payload) ?? '', media: null, payload };
  }
  if (type === 'reaction') {
    payload.reaction = body;
    return { kind: 'reaction', text: str(body.emoji) ?? '', media: null, payload };
  }
  if (type === 'order' || type === 'system' || type === 'request_welcome') {
    payload[type] = m[type] ?? null;
    return { kind: type, text: str(body.text) ?? str(body.body) ?? '', media: null, payload };
  }
  // `unsupported`, `unknown`, or anything newer than this code: kept, never dropped.
  payload.raw = m;
  return { kind: 'unsupported', text: '', media: null, payload };
}

export function parseWebhook(body: unknown): ParsedWebhook {
  const out: ParsedWebhook = { messages: [], statuses: [], ignored: 0 };
  for (const entry of arr(obj(body).entry).map(obj)) {
    for (const change of arr(entry.changes).map(obj)) {
      const value = obj(change.value);
      const phoneNumberId = str(obj(value.metadata).phone_number_id);
      if ((str(change.field) ?? 'messages') !== 'messages' || !phoneNumberId) {
        out.ignored++;
        continue;
      }
      const contacts = arr(value.contacts).map(obj);
      for (const m of arr(value.messages).map(obj)) {
        const wamid = str(m.id);
        if (!wamid) {
          out.ignored++;
          continue;
        }
        const from = str(m.from)?.replace(/\D/g, '') || null;
        const fromUserId = str(m.from_user_id) ?? str(m.user_id);
        const contact =
          contacts.find((c) => (from && str(c.wa_id) === from) || (fromUserId && str(c.user_id) === fromUserId)) ?? contacts[0] ?? {};
        out.messages.push({
          phoneNumberId,
          from: from ?? (str(contact.wa_id)?.replace(/\D/g, '') || null),
          fromUserId: fromUserId ?? str(contact.user_id),
          profileName: str(obj(contact.profile).name),
          wamid,
          sentAt: timestamp(m.timestamp),
          ...parseMessage(m),
        });
      }
      for (const st of arr(value.statuses).map(obj)) {
        const status = str(st.status);
        const wamid = str(st.id);
        if (!wamid || !status || !['sent', 'delivered', 'read', 'failed'].includes(status)) {
          out.ignored++;
          continue;
        }
        const err = obj(arr(st.errors)[0]);
        out.statuses.push({
          phoneNumberId,
          wamid,
          status: status as ParsedStatus['status'],
          at: timestamp(st.timestamp),
          recipientId: str(st.recipient_id),
          ourMessageId: str(st.biz_opaque_callback_data),
          error: str(err.code) ? { code: Number(err.code), title: str(err.title) ?? str(err.message) ?? '' } : null,
        });
      }
      if (arr(value.errors).length > 0) out.ignored++;
    }
  }
  return out;
}

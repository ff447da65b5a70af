import { getChannel } from '../../db/queries/channels.ts';
import {
  getContact,
  insertContact,
  lockContact,
  updateContactValues,
  type Contact,
  type ContactValues,
} from '../../db/queries/contacts.ts';
import {
  contactsOfChannelKind,
  conversationsOfContact,
  mediaOfContact,
  recentContacts,
  searchContacts,
  type ContactConversation,
  type ContactFilter,
} from '../../db/queries/contacts-search.ts';
import { contactErasedAt } from '../../db/queries/privacy.ts';
import { isUniqueViolation, runTx } from '../../db/sql.ts';
import { translate, type MessageKey } from '../../i18n/index.ts';
import { isWhatsappNumber, missingRequiredFields } from '../domain/contacts.ts';
import { mayView } from '../domain/conversation-access.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';
import type { Actor } from './conversations/common.ts';

export interface ContactInput {
  name?: string;
  email?: string | null;
  whatsapp?: string | null;
  /** Extra fields; an empty value removes the field. */
  fields?: Record<string, string>;
}

const BUILT_IN: Record<string, MessageKey> = {
  name: 'contact.field.name',
  email: 'contact.field.email',
  whatsapp: 'contact.field.whatsapp',
};

/** Merges the input into what is stored and checks it; `enforce` refuses a contact left incomplete. */
function validated(
  actor: Actor,
  required: readonly string[],
  stored: Contact | null,
  input: ContactInput,
  enforce: boolean,
): ContactValues {
  const pick = (v: string | null | undefined, old: string | null) => (v === undefined ? old : v?.trim() || null);
  const fields = { ...stored?.fields };
  for (const [key, value] of Object.entries(input.fields ?? {})) {
    if (value.trim()) fields[key] = value.trim();
    else delete fields[key];
  }
  const values = {
    name: input.name?.trim() ?? stored?.name ?? '',
    email: pick(input.email, stored?.email ?? null),
    whatsapp: pick(input.whatsapp, stored?.whatsapp ?? null),
    fields,
  };
  if (input.whatsapp && !isWhatsappNumber(input.whatsapp.trim())) throw actor.fail('BAD_REQUEST', 'contact.badWhatsapp');
  const missing = missingRequiredFields({ ...values, webchat: !!stored?.webchatVisitorId }, required);
  if (missing.length > 0 && enforce) {
    const names = missing.map((f) => (BUILT_IN[f] ? translate(actor.lang, BUILT_IN[f]) : f));
    throw actor.fail('BAD_REQUEST', 'contact.missingFields', { fields: names.join(', ') });
  }
  return { ...values, incomplete: missing.length > 0 };
}

/** One contact per WhatsApp number per organization: the unique index decides. */
async function saving(actor: Actor, save: () => Promise<Contact>): Promise<Contact> {
  try {
    return await save();
  } catch (err) {
    if (isUniqueViolation(err)) throw actor.fail('CONFLICT', 'contact.whatsappTaken');
    throw err;
  }
}

/** An agent adds a contact: name, e-mail, WhatsApp and the organization's required fields. */
export function createContact(s: Services, actor: Actor, required: readonly string[], input: ContactInput): Promise<Contact> {
  const values = validated(actor, required, null, input, true);
  return saving(actor, () =>
    runTx(s.sql, async (tx) => {
      // An integration is no user: a contact it creates has no creator.
      const contact = await insertContact(tx, actor.orgId, actor.integration ? null : actor.id, values);
      await s.bus.publish(tx, actor.orgId, 'contact.updated', { contactId: contact.id });
      return contact;
    }),
  );
}

/**
 * Edits a contact. A complete contact must stay complete; one a channel created may be
 * filled in bit by bit, and stops being incomplete once nothing required is missing.
 */
export function updateContact(s: Services, actor: Actor, required: readonly string[], id: string, input: ContactInput): Promise<Contact> {
  return saving(actor, () =>
    runTx(s.sql, async (tx) => {
      const stored = await lockContact(tx, actor.orgId, id);
      if (!stored) throw actor.fail('NOT_FOUND', 'error.notFound');
      // A form opened before the erasure must not write the person back (docs/privacy.md).
      if (await contactErasedAt(tx, actor.orgId, id)) throw actor.fail('CONFLICT', 'privacy.contactErased');
      const contact = (await updateContactValues(tx, actor.orgId, id, validated(actor, required, stored, input, !stored.incomplete)))!;
      await s.bus.publish(tx, actor.orgId, 'contact.updated', { contactId: id });
      return contact;
    }),
  );
}

/** Digits (with the usual phone punctuation) search by number; anything else by name. */
export function contactFilter(query: string | undefined): ContactFilter | null {
  const q = query?.trim() ?? '';
  if (!q) return null;
  if (/^[\d\s()+.-]+$/.test(q) && /\d/.test(q)) return { by: 'number', digits: q.replace(/\D/g, '') };
  return { by: 'name', text: q };
}

export async function findContacts(s: Services, orgId: string, query: string) {
  const filter = contactFilter(query);
  return filter ? searchContacts(s.sql, orgId, filter, 50) : [];
}

/** The channel rail: contacts that channel can reach. */
export async function contactsOfChannel(s: Services, fail: Fail, orgId: string, channelId: string, query?: string) {
  const channel = await getChannel(s.sql, orgId, channelId);
  if (!channel) throw fail('NOT_FOUND', 'error.notFound');
  return contactsOfChannelKind(s.sql, orgId, channel.kind, contactFilter(query), 100);
}

/** The Contacts page before any search: the most recently active contacts, of one channel or all. */
export async function recentContactsOf(s: Services, fail: Fail, orgId: string, channelId: string | undefined, limit: number) {
  if (!channelId) return recentContacts(s.sql, orgId, null, limit);
  const channel = await getChannel(s.sql, orgId, channelId);
  if (!channel) throw fail('NOT_FOUND', 'error.notFound');
  return recentContacts(s.sql, orgId, { id: channel.id, kind: channel.kind }, limit);
}

/** The newest closed conversations shown in a contact's history (of those the actor may see). */
const HISTORY_LIMIT = 200;

/**
 * A contact with its open conversations on every channel (who is serving them is no
 * secret: starting a conversation would say so), and the closed ones this actor may see.
 */
export async function contactDetails(s: Services, actor: Actor, id: string) {
  const contact = await getContact(s.sql, actor.orgId, id);
  if (!contact) throw actor.fail('NOT_FOUND', 'error.notFound');
  const [open, closed] = await Promise.all([
    conversationsOfContact(s.sql, actor.orgId, id, true, 50, actor),
    conversationsOfContact(s.sql, actor.orgId, id, false, HISTORY_LIMIT, actor),
  ]);
  const visible = (c: ContactConversation) =>
    mayView({ status: c.status, teamId: c.teamId, assigneeId: c.assigneeId, targetUserId: c.targetUserId, participantIds: [] }, actor);
  return { contact, open, history: closed.filter(visible) };
}

/** The newest files shown in the gallery (of those the actor may see). */
const MEDIA_LIMIT = 500;

/** The gallery: files of the contact's conversations this actor may read (the same rule as the conversation itself). */
export async function contactMedia(s: Services, actor: Actor, id: string) {
  const contact = await getContact(s.sql, actor.orgId, id);
  if (!contact) throw actor.fail('NOT_FOUND', 'error.notFound');
  const media = await mediaOfContact(s.sql, actor.orgId, id, MEDIA_LIMIT, actor);
  return media.filter((m) => mayView(m.conversation, actor));
}

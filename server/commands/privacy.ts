import { audit } from '../../db/queries/audit.ts';
import { getOrganization } from '../../db/queries/organizations.ts';
import {
  anonymizeContact,
  contactsLeftWithNothing,
  conversationIdsOfContact,
  conversationsToRetire,
  deleteAuditBefore,
  eraseConversationContent,
  eraseDocs,
  eraseWebhookCopies,
  getPrivacySettings,
  lockContactForErasure,
  organizationsWithRetention,
  savePrivacySettings,
  type PrivacySettings,
} from '../../db/queries/privacy.ts';
import { runTx, type Db } from '../../db/sql.ts';
import { isLanguage, translate } from '../../i18n/index.ts';
import { confirms, erasureConfirmation, monthsBefore } from '../domain/privacy.ts';
import type { Fail } from '../errors.ts';
import type { Services } from '../services/index.ts';

/** Who acts: an admin (its id and address), or the retention timer (null). */
export interface PrivacyActor {
  orgId: string;
  userId: string | null;
  ip: string;
}

/** An erasure touches every message of a contact: more time than a routine command. */
const ERASE_TIMEOUT_MS = 120_000;
const RETENTION_BATCH = 100;
const RETENTION_MAX_BATCHES = 20;
const AUDIT_BATCH = 1000;

/** The neutral name an erased contact keeps, in the organization's language. */
async function erasedLabel(db: Db, orgId: string): Promise<string> {
  const lang = (await getOrganization(db, orgId))?.customerLanguage ?? 'en';
  return translate(isLanguage(lang) ? lang : 'en', 'privacy.erasedName');
}

/**
 * Removes the erased files from the attachment store, after the rows are gone (nothing serves
 * them any more). A file the store fails to remove is logged with its key, for the operator.
 */
async function removeStoredFiles(s: Services, keys: string[]): Promise<void> {
  for (const key of keys) {
    await s.storage.delete(key).catch((err: unknown) => s.log.error({ err, storageKey: key }, 'erased file not removed from storage'));
  }
}

/** Anything a sync write slipped in between the erasure and its commit is gone after this (see the migration). */
async function sweepDocs(s: Services, orgId: string, contactId: string | null, conversationIds: string[]): Promise<void> {
  const names = [...(contactId ? [`notes:${contactId}`] : []), ...conversationIds.map((id) => `conversation:${id}`)];
  await eraseDocs(s.sql, orgId, names);
  if (contactId) await s.sql`DELETE FROM contact_notes_text WHERE org_id = ${orgId} AND contact_id = ${contactId}`;
}

export interface ErasureRequest {
  contactId: string;
  /** What the admin typed: the contact's name (server/domain/privacy.ts erasureConfirmation). */
  confirmation: string;
  /** The data subject's request reference (a ticket, a protocol): recorded in the audit row. */
  requestedBy: string;
}

/**
 * Erases one contact's personal data (docs/privacy.md, "Erasure"): its conversations' content
 * and files, its notes with their whole history, its identities and fields; the rows stay so
 * reports keep their counts. Refused while a conversation of the contact is open (an agent may
 * be answering it). The audit row says who, on whose request, and how much — never what.
 */
export async function eraseContact(s: Services, actor: PrivacyActor & { userId: string }, fail: Fail, req: ErasureRequest) {
  const { orgId } = actor;
  const label = await erasedLabel(s.sql, orgId);
  const done = await runTx(
    s.sql,
    async (tx) => {
      const c = await lockContactForErasure(tx, orgId, req.contactId);
      if (!c) throw fail('NOT_FOUND', 'error.notFound');
      if (c.erasedAt) throw fail('CONFLICT', 'privacy.alreadyErased');
      if (!confirms(req.confirmation, erasureConfirmation(c))) throw fail('BAD_REQUEST', 'privacy.confirmMismatch');
      if (c.openConversations > 0) throw fail('PRECONDITION_FAILED', 'privacy.openConversations', { n: c.openConversations });
      const conversationIds = await conversationIdsOfContact(tx, orgId, c.id);
      const erased = await eraseConversationContent(tx, orgId, conversationIds);
      const unsent = await anonymizeContact(tx, orgId, c.id, label, c.webchatVisitorId);
      const webhookCopies = await eraseWebhookCopies(tx, orgId, c.id, conversationIds);
      await audit(tx, {
        orgId,
        action: 'contact_erased',
        actorUserId: actor.userId,
        ip: actor.ip,
        details: {
          contactId: c.id,
          requestedBy: req.requestedBy,
          conversations: conversationIds.length,
          messages: erased.messages,
          files: erased.storageKeys.length + unsent.length,
          webhookCopies,
        },
      });
      // Open screens refresh the contact; every process's sync server drops its documents.
      await s.bus.publish(tx, orgId, 'contact.updated', { contactId: c.id, erased: true });
      return { conversationIds, ...erased, storageKeys: [...erased.storageKeys, ...unsent] };
    },
    ERASE_TIMEOUT_MS,
  );
  await sweepDocs(s, orgId, req.contactId, done.conversationIds);
  await removeStoredFiles(s, done.storageKeys);
  return { conversations: done.conversationIds.length, messages: done.messages, files: done.storageKeys.length };
}

export async function updatePrivacySettings(s: Services, actor: PrivacyActor & { userId: string }, settings: PrivacySettings) {
  await runTx(s.sql, async (tx) => {
    const before = await getPrivacySettings(tx, actor.orgId);
    await savePrivacySettings(tx, actor.orgId, actor.userId, settings);
    await audit(tx, {
      orgId: actor.orgId,
      action: 'privacy_settings_updated',
      actorUserId: actor.userId,
      ip: actor.ip,
      details: { before, after: settings },
    });
  });
  return settings;
}

export interface RetentionResult {
  conversations: number;
  contacts: number;
  files: number;
  auditRows: number;
}

/**
 * One organization's retention (docs/privacy.md, "Retention"): closed conversations older than
 * the cutoff lose their content as in an erasure; a contact left with nothing newer (every
 * conversation erased, no edit since the cutoff) is erased whole; audit rows older than their
 * cutoff are deleted. In batches, each its own transaction; what is left waits for the next run.
 */
async function retainOrganization(s: Services, org: { orgId: string } & PrivacySettings, now: Date): Promise<RetentionResult> {
  const result: RetentionResult = { conversations: 0, contacts: 0, files: 0, auditRows: 0 };
  const { orgId } = org;
  if (org.eraseClosedAfterMonths) {
    const cutoff = monthsBefore(now, org.eraseClosedAfterMonths);
    const label = await erasedLabel(s.sql, orgId);
    for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch++) {
      const done = await runTx(
        s.sql,
        async (tx) => {
          const rows = await conversationsToRetire(tx, orgId, cutoff, RETENTION_BATCH);
          const ids = rows.map((r) => r.id);
          const erased = await eraseConversationContent(tx, orgId, ids);
          await eraseWebhookCopies(tx, orgId, null, ids);
          const touched = [...new Set(rows.map((r) => r.contactId))];
          const whole: string[] = [];
          const keys = [...erased.storageKeys];
          for (const contactId of await contactsLeftWithNothing(tx, orgId, touched, cutoff)) {
            const c = await lockContactForErasure(tx, orgId, contactId);
            if (!c || c.erasedAt || c.openConversations > 0) continue;
            keys.push(...(await anonymizeContact(tx, orgId, contactId, label, c.webchatVisitorId)));
            await eraseWebhookCopies(tx, orgId, contactId, []);
            whole.push(contactId);
          }
          if (ids.length) {
            await audit(tx, {
              orgId,
              action: 'retention_applied',
              details: {
                conversations: ids.length,
                contacts: whole.length,
                files: erased.storageKeys.length,
                closedBefore: cutoff.toISOString(),
              },
            });
          }
          for (const contactId of touched) await s.bus.publish(tx, orgId, 'contact.updated', { contactId, erased: true });
          return { ids, whole, keys };
        },
        ERASE_TIMEOUT_MS,
      );
      for (const contactId of done.whole) await sweepDocs(s, orgId, contactId, []);
      await sweepDocs(s, orgId, null, done.ids);
      await removeStoredFiles(s, done.keys);
      result.conversations += done.ids.length;
      result.contacts += done.whole.length;
      result.files += done.keys.length;
      if (done.ids.length < RETENTION_BATCH) break;
    }
  }
  if (org.deleteAuditAfterMonths) {
    const cutoff = monthsBefore(now, org.deleteAuditAfterMonths);
    for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch++) {
      const n = await deleteAuditBefore(s.sql, orgId, cutoff, AUDIT_BATCH);
      result.auditRows += n;
      if (n < AUDIT_BATCH) break;
    }
  }
  return result;
}

/** Every organization's retention (the job queue's privacy_retention task); one failure does not stop the others. */
export async function applyRetention(s: Services, now = new Date()): Promise<Map<string, RetentionResult>> {
  const results = new Map<string, RetentionResult>();
  for (const org of await organizationsWithRetention(s.sql)) {
    try {
      results.set(org.orgId, await retainOrganization(s, org, now));
    } catch (err) {
      s.log.error({ err, orgId: org.orgId }, 'retention failed for an organization; the next run tries again');
    }
  }
  return results;
}

import { audit } from '../../db/queries/audit.ts';
import type { Channel } from '../../db/queries/channels.ts';
import { getOrganization, type Organization } from '../../db/queries/organizations.ts';
import { closeExpired, flagOverrunPauses, type AutoClosed, type AutoCloseReason } from '../../db/queries/timers.ts';
import { runTx, type Tx } from '../../db/sql.ts';
import { LANGUAGES, translate } from '../../i18n/index.ts';
import { windowState } from '../domain/whatsapp-window.ts';
import type { Services } from '../services/index.ts';
import { observeQueueExit } from '../services/metrics.ts';
import { channelOf, publishConversation, queueBotMessage, removeParticipants } from './conversations/common.ts';
import { customerLanguage } from './conversations/ingest.ts';
import { lastInboundAt } from './conversations/outbound.ts';

const REASONS: AutoCloseReason[] = ['queue_timeout', 'inactivity', 'bot_timeout'];

export interface SweepResult {
  closed: { conversationId: string; orgId: string; reason: AutoCloseReason }[];
  overruns: { userId: string; orgId: string; pauseId: string }[];
}

// Event ids are ordered by a per-organization lock held to commit: publish in organization
// order so two sweeps touching the same organizations never wait on each other in a cycle.
const byOrg = <T extends { orgId: string }>(rows: T[]) => [...rows].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));

/** The standard closing sentence, in a customer language. */
export const standardAutoCloseMessage = (language: string): string => translate(customerLanguage(language), 'admin.org.autoCloseStandard');

/**
 * What the customer is told when the system closes their conversation: the organization's
 * text, else the standard sentence in its customer language; '' means nothing.
 */
export const autoCloseMessageOf = (org: Pick<Organization, 'autoCloseMessage' | 'customerLanguage'>): string =>
  (org.autoCloseMessage ?? standardAutoCloseMessage(org.customerLanguage)).trim();

/**
 * How an admin's text is stored: a standard sentence (of any language, e.g. the one shown
 * before the customer language was changed) is kept as NULL, so it follows the language.
 */
export function storedAutoCloseMessage(text: string): string | null {
  const trimmed = text.trim();
  return LANGUAGES.some((l) => standardAutoCloseMessage(l) === trimmed) ? null : trimmed;
}

/**
 * Tells the customer of a conversation this sweep closed, through its channel: an ordinary
 * queued bot row, written in the closing transaction, so the channel adapters deliver it and
 * a close happens with its message or not at all. On WhatsApp outside the 24-hour window no
 * free text may be sent: then nothing is (the close stands).
 */
async function tellCustomer(s: Services, tx: Tx, c: AutoClosed, org: Organization, channel: Channel, now: Date): Promise<void> {
  const text = autoCloseMessageOf(org);
  if (!text) return;
  if (!windowState(channel.kind, await lastInboundAt(tx, c), c.lastTemplateAt, now).open) return;
  await queueBotMessage(s, tx, c, text);
}

async function closeBatch(s: Services, reason: AutoCloseReason, now: Date, limit: number): Promise<AutoClosed[]> {
  return runTx(s.sql, async (tx) => {
    // Only the rows this statement closed come back: each close tells its customer once,
    // however many processes sweep at the same time.
    const closed = byOrg(await closeExpired(tx, reason, now, limit));
    const orgs = new Map<string, Organization>();
    const channels = new Map<string, Channel>();
    for (const c of closed) {
      const removed = await removeParticipants(tx, c);
      await audit(tx, {
        orgId: c.orgId,
        action: 'conversation_auto_closed',
        subjectUserId: c.servedBy,
        details: { conversationId: c.id, protocol: c.protocol, reason },
      });
      let org = orgs.get(c.orgId);
      if (!org) {
        org = (await getOrganization(tx, c.orgId))!;
        orgs.set(c.orgId, org);
      }
      let channel = channels.get(c.channelId);
      if (!channel) {
        channel = await channelOf(tx, c);
        channels.set(c.channelId, channel);
      }
      // The events name the agent who had it, so their workspace hears of the close (and the message) too.
      const seenAs = { ...c, assigneeId: c.servedBy };
      await tellCustomer(s, tx, seenAs, org, channel, now);
      if (reason === 'queue_timeout') {
        await publishConversation(s, tx, seenAs, 'queue.changed');
        observeQueueExit(s.metrics, tx, c, 'timed_out', now);
      }
      await publishConversation(s, tx, seenAs, 'conversation.updated', removed);
    }
    return closed;
  });
}

/**
 * The timers, evaluated at `now` (the worker passes the clock; tests pass any instant):
 * closes conversations past the team's queue timeout (from queued_at; the organization's
 * for a conversation with no team), the organization's inactivity timeout (active, from
 * last activity) and bot timeout (bot menu, from last activity), telling each customer,
 * and flags pauses past their end. Every statement is conditional, so several
 * processes sweeping at once close each conversation once and flag each pause once.
 */
export async function sweepTimers(s: Services, now: Date, batchSize = 200): Promise<SweepResult> {
  const result: SweepResult = { closed: [], overruns: [] };
  for (const reason of REASONS) {
    for (;;) {
      const closed = await closeBatch(s, reason, now, batchSize);
      result.closed.push(...closed.map((c) => ({ conversationId: c.id, orgId: c.orgId, reason })));
      if (closed.length < batchSize) break;
    }
  }
  for (;;) {
    const flagged = await runTx(s.sql, async (tx) => {
      const rows = byOrg(await flagOverrunPauses(tx, now, batchSize));
      for (const p of rows) await s.bus.publish(tx, p.orgId, 'agent.pauseOverrun', { userId: p.userId, pauseId: p.pauseId });
      return rows;
    });
    result.overruns.push(...flagged);
    if (flagged.length < batchSize) break;
  }
  return result;
}

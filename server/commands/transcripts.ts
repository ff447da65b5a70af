import { conversationIdByProtocol, listHistory, type HistoryCursor, type HistoryFilters } from '../../db/queries/past-conversations.ts';
import {
  namesOf,
  transcriptHead,
  transcriptMessages,
  transcriptParticipants,
  transcriptTags,
  transcriptTrail,
} from '../../db/queries/transcripts.ts';
import type { Db } from '../../db/sql.ts';
import { mayView } from '../domain/conversation-access.ts';
import { historyScope } from '../domain/history-access.ts';
import { idsInTrail, transcriptEvents, transcriptParticipantsOf } from '../domain/transcript.ts';
import { loadVisible, type Actor } from './conversations/common.ts';

/** An opaque page position: the last row's exact closed_at and id. */
export const encodeCursor = (c: HistoryCursor) => Buffer.from(`${c.closedAt}|${c.id}`).toString('base64url');

export function decodeCursor(actor: Actor, cursor: string): HistoryCursor {
  const [closedAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!closedAt || !id || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(closedAt) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw actor.fail('BAD_REQUEST', 'transcripts.badCursor');
  }
  return { closedAt, id };
}

/** Past conversations the actor may see (mayView for closed ones, in SQL), newest closed first. */
export async function pastConversations(db: Db, actor: Actor, input: { filters?: HistoryFilters; cursor?: string; limit: number }) {
  const f = input.filters ?? {};
  if (f.from && f.to && f.from >= f.to) throw actor.fail('BAD_REQUEST', 'transcripts.badRange');
  const cursor = input.cursor ? decodeCursor(actor, input.cursor) : null;
  // One row more than asked tells whether there is a next page.
  const rows = await listHistory(db, actor.orgId, historyScope(actor), f, cursor, input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ cursor: _, ...item }) => item),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.cursor) : null,
  };
}

/**
 * Everything of a conversation the actor may see (the same rule as opening it): its facts, all
 * its messages in stored order with authors and files, tags, participants and what happened
 * (claims, transfers, invitations, returns, the close and the rating). NOT_FOUND otherwise,
 * for an unknown protocol too.
 */
export async function loadTranscript(db: Db, actor: Actor, ref: { conversationId: string } | { protocol: string }) {
  const conversationId =
    'conversationId' in ref ? ref.conversationId : await conversationIdByProtocol(db, actor.orgId, ref.protocol.trim());
  if (!conversationId) throw actor.fail('NOT_FOUND', 'error.notFound');
  await loadVisible(db, actor, conversationId, mayView);
  const [head, messages, tags, invited, trail] = await Promise.all([
    transcriptHead(db, actor.orgId, conversationId),
    transcriptMessages(db, actor.orgId, conversationId),
    transcriptTags(db, actor.orgId, conversationId),
    transcriptParticipants(db, actor.orgId, conversationId),
    transcriptTrail(db, actor.orgId, conversationId),
  ]);
  if (!head) throw actor.fail('NOT_FOUND', 'error.notFound');
  const ids = idsInTrail(trail);
  const events = transcriptEvents(head, trail, await namesOf(db, actor.orgId, ids.teamIds, ids.userIds));
  return {
    ...head,
    // The rating answer is a number from 1 to 5; no comment is stored with it.
    ratingComment: null as string | null,
    messages,
    files: messages.flatMap((m) => (m.file ? [{ ...m.file, messageId: m.id, at: m.at, direction: m.direction }] : [])),
    tags,
    participants: transcriptParticipantsOf(
      head,
      messages,
      invited.map((p) => p.user),
      events,
    ),
    events,
  };
}

export type Transcript = Awaited<ReturnType<typeof loadTranscript>>;

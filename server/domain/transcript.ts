import type { TranscriptHead, TranscriptMessage, TrailRow } from '../../db/queries/transcripts.ts';

type Person = { id: string; name: string };

export type TranscriptEventKind =
  | 'created'
  | 'claimed'
  | 'transferred'
  | 'invited'
  | 'left'
  | 'returned'
  | 'pending'
  | 'declined'
  | 'closed'
  | 'rated'
  | 'other';

/** One line of the conversation's trail; `target`: where it went (a team or a person), or whom it concerns. */
export interface TranscriptEvent {
  at: Date;
  kind: TranscriptEventKind;
  actor: Person | null;
  target: { id: string; name: string } | null;
  /** A reason code (close reason, return reason), the rating, or an unknown audit action's name. */
  detail: string | null;
}

const KIND_OF_ACTION: Record<string, TranscriptEventKind> = {
  conversation_claimed: 'claimed',
  conversation_transferred: 'transferred',
  conversation_invited: 'invited',
  conversation_left: 'left',
  conversation_returned: 'returned',
  conversation_pending: 'pending',
  conversation_offer_declined: 'declined',
};
// The close is read from the conversation itself (who, when, why), once; its audit row would repeat it.
const CLOSE_ACTIONS = new Set(['conversation_finished', 'conversation_force_closed', 'conversation_released', 'conversation_auto_closed']);

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** Ids of teams and people the audit details name (to read their names in one query). */
export function idsInTrail(trail: readonly TrailRow[]): { teamIds: string[]; userIds: string[] } {
  const teams = new Set<string>();
  const users = new Set<string>();
  for (const r of trail) {
    const d = r.details;
    const to = str(d.toTeamId);
    const toUser = str(d.toUserId);
    if (to) teams.add(to);
    if (toUser) users.add(toUser);
  }
  return { teamIds: [...teams], userIds: [...users] };
}

/**
 * The trail, oldest first: created, then the audit rows (claims, transfers, invitations,
 * returns, pauses on the customer, declined offers), then the close and the customer's rating.
 */
export function transcriptEvents(
  head: TranscriptHead,
  trail: readonly TrailRow[],
  names: { teams: ReadonlyMap<string, string>; users: ReadonlyMap<string, string> },
): TranscriptEvent[] {
  const events: TranscriptEvent[] = [{ at: head.createdAt, kind: 'created', actor: null, target: null, detail: null }];
  const named = (id: string | null, map: ReadonlyMap<string, string>) => (id ? { id, name: map.get(id) ?? '' } : null);
  for (const r of trail) {
    if (CLOSE_ACTIONS.has(r.action)) continue;
    const kind = KIND_OF_ACTION[r.action] ?? 'other';
    const d = r.details;
    let target = r.subject;
    let detail: string | null = kind === 'other' ? r.action : null;
    if (kind === 'transferred') target = named(str(d.toUserId), names.users) ?? named(str(d.toTeamId), names.teams);
    if (kind === 'returned') detail = str(d.reason);
    if (kind === 'pending') detail = str(d.until);
    events.push({ at: r.at, kind, actor: r.actor, target, detail });
  }
  if (head.closedAt) {
    events.push({ at: head.closedAt, kind: 'closed', actor: head.closedBy, target: head.disposition, detail: head.closeReason });
  }
  if (head.ratedAt && head.rating !== null) {
    events.push({ at: head.ratedAt, kind: 'rated', actor: null, target: null, detail: String(head.rating) });
  }
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export type ParticipantRole = 'served' | 'invited' | 'wrote';

/** Everyone of the team side who took part: who served it, who was invited, who wrote in it. */
export function transcriptParticipantsOf(
  head: TranscriptHead,
  messages: readonly TranscriptMessage[],
  invited: readonly Person[],
  events: readonly TranscriptEvent[],
): { id: string; name: string; roles: ParticipantRole[] }[] {
  const people = new Map<string, { id: string; name: string; roles: ParticipantRole[] }>();
  const add = (p: Person | null, role: ParticipantRole) => {
    if (!p) return;
    const entry = people.get(p.id) ?? { id: p.id, name: p.name, roles: [] };
    if (!entry.roles.includes(role)) entry.roles.push(role);
    people.set(p.id, entry);
  };
  add(head.assignee, 'served');
  for (const e of events) if (e.kind === 'claimed') add(e.actor, 'served');
  for (const p of invited) add(p, 'invited');
  for (const e of events) if (e.kind === 'invited') add(e.target, 'invited');
  for (const m of messages) if (m.direction === 'out' && !m.isBot) add(m.author, 'wrote');
  return [...people.values()];
}

import type { Sql } from '../../db/sql.ts';
import type { SentMessage } from './floor-customers.ts';
import type { FloorSpec, Series } from './floor-protocol.ts';

/**
 * Customer message → agent's event stream, from the events the phase published: each
 * `message.created` of an inbound message and the first `queue.changed` to "waiting" of each
 * conversation (the team's number chosen, or the greeting when there is one team) names who must receive it — the conversation's
 * agent, or while it waits every member of its team — and the stream ids the agents recorded
 * say when it reached each of them. The event's message (or, for the queue, the team choice)
 * carries the customer's wamid, so each pair is timed from the webhook that caused it.
 * A pair counts when its message went out inside [from, to); it is lost when it has not
 * arrived by `deadline`, as is a counted message that published no event at all.
 */
export async function customerToAgent(
  sql: Sql,
  spec: FloorSpec,
  afterEventId: string,
  sent: Map<string, SentMessage>,
  arrivals: Map<string, Map<string, number>>,
  window: { from: number; to: number; deadline: number },
): Promise<Series> {
  const rows = await sql`
    SELECT e.id::text AS id, e.type, e.data->>'conversationId' AS conversation_id, e.data->>'teamId' AS team_id,
      e.data->>'assigneeId' AS assignee_id, coalesce(m.channel_message_id, choice.channel_message_id) AS wamid
    FROM events e
    LEFT JOIN messages m ON e.type = 'message.created' AND m.org_id = e.org_id AND m.id = (e.data->>'messageId')::uuid
    LEFT JOIN LATERAL (
      -- The customer message stored in the same transaction (same now()): the choice, or with one team the greeting.
      SELECT channel_message_id FROM messages c
      WHERE e.type = 'queue.changed' AND c.org_id = e.org_id AND c.conversation_id = (e.data->>'conversationId')::uuid
        AND c.direction = 'in' AND c.created_at = e.at
      ORDER BY c.seq DESC LIMIT 1
    ) choice ON true
    WHERE e.org_id = ${spec.orgId} AND e.id > ${afterEventId}::bigint
      AND ((e.type = 'message.created' AND e.data->>'direction' = 'in') OR (e.type = 'queue.changed' AND e.data->>'status' = 'waiting'))
    ORDER BY e.id`;
  const members = new Map(spec.teams.map((t) => [t.id, t.memberIds]));
  const counted = (m: SentMessage | undefined): m is SentMessage => m?.ok === true && m.at >= window.from && m.at < window.to;
  const latenciesMs: number[] = [];
  let lost = 0;
  const evented = new Set<string>();
  const queued = new Set<string>();
  for (const r of rows) {
    const wamid = r.wamid as string | null;
    if (!wamid) continue;
    if (r.type === 'queue.changed') {
      // Only the first time the conversation waits: the customer's choice put it there.
      if (queued.has(r.conversation_id as string)) continue;
      queued.add(r.conversation_id as string);
    }
    const message = sent.get(wamid);
    if (!counted(message)) continue;
    // The choice's own message.created is published before the bot queues it (no team yet): its queue event stands for it.
    const receivers = r.assignee_id ? [r.assignee_id as string] : r.team_id ? (members.get(r.team_id as string) ?? []) : [];
    if (receivers.length === 0) continue;
    evented.add(wamid);
    const got = arrivals.get(r.id as string);
    for (const userId of receivers) {
      const at = got?.get(userId);
      if (at === undefined || at > window.deadline) lost++;
      else latenciesMs.push(at - message.at);
    }
  }
  // Counted messages after the greeting that published no event someone should receive.
  for (const [wamid, m] of sent) if (m.step >= 1 && counted(m) && !evented.has(wamid)) lost++;
  return { latenciesMs, lost };
}

/** Sent → arrived by id (replies at the Graph API, note edits at the colleague): counted by send time, lost after `deadline`. */
export function pairs(
  sentAt: Map<number, number>,
  arrivedAt: Map<number, number>,
  window: { from: number; to: number; deadline: number },
  ok: (id: number) => boolean = () => true,
): Series {
  const latenciesMs: number[] = [];
  let lost = 0;
  for (const [id, at] of sentAt) {
    if (at < window.from || at >= window.to || !ok(id)) continue;
    const arrived = arrivedAt.get(id);
    if (arrived === undefined || arrived > window.deadline) lost++;
    else latenciesMs.push(arrived - at);
  }
  return { latenciesMs, lost };
}

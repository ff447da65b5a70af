import type { SlaTeam } from '../../server/domain/sla.ts';
import type { Db, Tx } from '../sql.ts';
import { CONVERSATION_COLUMNS, toConversation, type Conversation } from './conversations.ts';

/** Each team's service-level settings with its organization's time zone (all organizations when none given). */
export async function slaTeams(db: Db, orgId?: string): Promise<Map<string, SlaTeam>> {
  const rows = await db`
    SELECT t.id, t.sla_first_response_minutes, t.sla_next_response_minutes, t.sla_business_hours, t.business_hours,
      t.holidays::text[] AS holidays, o.time_zone
    FROM teams t JOIN organizations o ON o.id = t.org_id
    WHERE (${orgId ?? null}::uuid IS NULL OR t.org_id = ${orgId ?? null}::uuid)`;
  return new Map(
    rows.map((r) => [
      r.id as string,
      {
        firstResponseMinutes: (r.sla_first_response_minutes as number | null) ?? null,
        nextResponseMinutes: (r.sla_next_response_minutes as number | null) ?? null,
        businessHoursOnly: r.sla_business_hours as boolean,
        hours: { schedule: (r.business_hours ?? {}) as SlaTeam['hours']['schedule'], holidays: (r.holidays as string[] | null) ?? [] },
        timeZone: r.time_zone as string,
      },
    ]),
  );
}

/**
 * Conversations whose running target's plain deadline has passed at `now` and that are not yet
 * marked breached: the candidates (a business-hours deadline is never earlier), after `afterId`
 * in id order (the sweep pages through them). Locked, others' rows skipped, so two sweeping
 * processes mark each breach once.
 */
export async function lockSlaCandidates(tx: Tx, now: Date, limit: number, afterId: string): Promise<Conversation[]> {
  const rows = await tx.unsafe(
    `SELECT ${CONVERSATION_COLUMNS.split(',')
      .map((c) => `c.${c.trim()}`)
      .join(', ')} FROM conversations c JOIN teams t ON t.org_id = c.org_id AND t.id = c.team_id
     WHERE c.status IN ('waiting', 'active') AND c.sla_breached_at IS NULL AND c.pending_since IS NULL AND c.id > $3
       AND ((c.first_response_at IS NULL AND t.sla_first_response_minutes IS NOT NULL
             AND c.queued_at + t.sla_first_response_minutes * interval '1 minute' <= $1)
         OR (c.first_response_at IS NOT NULL AND t.sla_next_response_minutes IS NOT NULL
             AND c.awaiting_reply_since + t.sla_next_response_minutes * interval '1 minute' <= $1))
     ORDER BY c.id LIMIT $2 FOR UPDATE OF c SKIP LOCKED`,
    [now, limit, afterId] as never[],
  );
  return rows.map(toConversation);
}

export async function markSlaBreached(tx: Tx, c: { orgId: string; id: string }): Promise<void> {
  await tx`UPDATE conversations SET sla_breached_at = now() WHERE org_id = ${c.orgId} AND id = ${c.id} AND sla_breached_at IS NULL`;
}

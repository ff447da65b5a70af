import type { Team } from '../../db/queries/teams.ts';
import { lockSlaCandidates, markSlaBreached, slaTeams } from '../../db/queries/sla.ts';
import { runTx } from '../../db/sql.ts';
import { slaOf, type Sla, type SlaConversation, type SlaTeam } from '../domain/sla.ts';
import type { Services } from '../services/index.ts';

const BATCH = 200;

/**
 * Marks the service-level targets missed at `now` (issue 12, item 6), once each: the breach is
 * stored on the conversation (until an agent answers), published (`conversation.slaBreached`:
 * lists, the conversation and the monitoring board colour it) and counted in a metric. A
 * candidate whose business-hours deadline has not come yet stays unmarked for a later sweep.
 */
export async function sweepSla(s: Services, now = new Date()): Promise<number> {
  const teams = await slaTeams(s.sql);
  let breached = 0;
  // Pages in id order: candidates whose business-hours deadline is still ahead never hide later ones.
  for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
    const page = await runTx(s.sql, async (tx) => {
      const candidates = await lockSlaCandidates(tx, now, BATCH, after);
      for (const c of candidates) {
        const sla = slaOf(c, teams.get(c.teamId ?? '') ?? null, now);
        if (!sla?.breached) continue;
        await markSlaBreached(tx, c);
        await s.bus.publish(tx, c.orgId, 'conversation.slaBreached', {
          conversationId: c.id,
          teamId: c.teamId,
          assigneeId: c.assigneeId,
          targetUserId: c.targetUserId,
          contactId: c.contactId,
          kind: sla.kind,
          dueAt: sla.dueAt.toISOString(),
        });
        s.metrics.slaBreaches.inc({ kind: sla.kind });
        breached++;
      }
      return candidates;
    });
    if (page.length < BATCH) return breached;
    after = page[page.length - 1]!.id;
  }
}

/** The wire form of a conversation's running target: `{ dueAt, breached, kind }` (or null), for views and lists. */
export function slaView(
  c: SlaConversation & { teamId: string | null },
  teams: Map<string, SlaTeam>,
  now = new Date(),
): { dueAt: string; breached: boolean; kind: Sla['kind'] } | null {
  const sla = slaOf(c, c.teamId ? (teams.get(c.teamId) ?? null) : null, now);
  return sla ? { dueAt: sla.dueAt.toISOString(), breached: sla.breached, kind: sla.kind } : null;
}

/** List rows with their `sla` in place of the facts it was computed from. */
export function withSla<T extends { slaFacts: SlaConversation & { teamId: string | null } }>(
  rows: T[],
  teams: Map<string, SlaTeam>,
  now = new Date(),
): (Omit<T, 'slaFacts'> & { sla: ReturnType<typeof slaView> })[] {
  return rows.map(({ slaFacts, ...row }) => ({ ...row, sla: slaView(slaFacts, teams, now) }));
}

/** A team's service-level settings as the rule reads them (the teams a caller already loaded). */
export function slaTeamOf(t: Team, timeZone: string): SlaTeam {
  return {
    firstResponseMinutes: t.slaFirstResponseMinutes,
    nextResponseMinutes: t.slaNextResponseMinutes,
    businessHoursOnly: t.slaBusinessHours,
    hours: t.businessHours,
    timeZone,
  };
}

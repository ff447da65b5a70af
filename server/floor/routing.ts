import {
  endStaleOffers,
  lockLoads,
  lockTeamForRouting,
  lockUnofferedWaiting,
  passedBy,
  routingCandidates,
  teamsToRoute,
  writeOffers,
} from '../../db/queries/routing.ts';
import type { Conversation } from '../../db/queries/conversations.ts';
import { runTx } from '../../db/sql.ts';
import { publishConversation } from '../commands/conversations/common.ts';
import { isAvailable } from '../domain/availability.ts';
import { assignOffers } from '../domain/routing.ts';
import type { Services } from '../services/index.ts';
import { whenCommitted } from '../services/metrics.ts';

/** Conversations one routing transaction offers at most (the next pass takes the rest). */
const ROUTE_BATCH = 200;
const SWEEP_BATCH = 200;

/**
 * One routing pass over a team in automatic mode (issue 12): under the team's routing lock,
 * offers its waiting conversations, oldest first, to available members with room (the rule:
 * server/domain/routing.ts), counting loads under the agents' capacity locks. Each offer is a
 * `queue.changed` event: the agent's Waiting shows it with accept / decline. Returns the
 * conversations offered now. Safe on any number of processes at once.
 */
export function routeTeam(s: Services, orgId: string, teamId: string, now = new Date()): Promise<Conversation[]> {
  return runTx(s.sql, async (tx) => {
    const team = await lockTeamForRouting(tx, orgId, teamId);
    if (team?.routing !== 'auto') return [];
    const candidates = (await routingCandidates(tx, orgId, teamId)).filter((c) =>
      isAvailable({ ...c, timeZone: c.timeZone ?? team.orgTimeZone, enforceWorkHours: team.enforceWorkHours }, now),
    );
    if (candidates.length === 0) return [];
    const waiting = await lockUnofferedWaiting(tx, orgId, teamId, ROUTE_BATCH);
    if (waiting.length === 0) return [];
    const loads = await lockLoads(
      tx,
      orgId,
      candidates.map((c) => c.id),
    );
    const passed = await passedBy(tx, orgId, waiting);
    const offers = assignOffers(
      waiting.map((w) => ({ id: w.id, passedBy: passed.get(w.id) ?? new Set() })),
      candidates.map((c) => ({ id: c.id, load: loads.get(c.id) ?? 0, ownLimit: c.ownLimit, lastRoutedAt: c.lastRoutedAt })),
      team.maxPerAgent,
    );
    const offered = await writeOffers(tx, orgId, offers, team.acceptTimeoutSeconds);
    for (const c of offered) await publishConversation(s, tx, c, 'queue.changed');
    whenCommitted(tx, () => s.metrics.offers.inc({ outcome: 'made' }, offered.length));
    return offered;
  });
}

/**
 * Ends offers that ran out at `now` (the agent did not answer) or whose agent is no longer
 * online and connected; each conversation goes back to its queue (a `queue.changed` event),
 * and the next routing pass offers it to someone else.
 */
export async function sweepOffers(s: Services, now = new Date()): Promise<number> {
  let ended = 0;
  for (;;) {
    const rows = await runTx(s.sql, async (tx) => {
      const stale = await endStaleOffers(tx, now, SWEEP_BATCH);
      for (const c of stale) await publishConversation(s, tx, c, 'queue.changed');
      // Past its deadline: expired; its agent went offline or lost their device first: withdrawn.
      for (const c of stale) whenCommitted(tx, () => s.metrics.offers.inc({ outcome: c.expired ? 'expired' : 'withdrawn' }));
      return stale;
    });
    ended += rows.length;
    if (rows.length < SWEEP_BATCH) return ended;
  }
}

/** Routes every team in automatic mode that has waiting conversations with no offer. */
export async function routeAll(s: Services, now = new Date()): Promise<number> {
  let offered = 0;
  for (const t of await teamsToRoute(s.sql)) offered += (await routeTeam(s, t.orgId, t.teamId, now)).length;
  return offered;
}

import type { EventType } from '../../shared/events.ts';
import { Pump } from '../jobs/pump.ts';
import type { Services } from '../services/index.ts';
import { sweepPresence } from './presence.ts';
import { sweepReturns, sweepSnoozes } from './returns.ts';
import { routeAll, sweepOffers } from './routing.ts';
import { sweepSla } from './sla.ts';

/** Events after which a routing pass may find something to do: a queue, a free place, an agent. */
const WAKING: ReadonlySet<EventType> = new Set<EventType>([
  'queue.changed',
  'conversation.updated',
  'conversation.left',
  'user.status',
  'user.presence',
  'user.updated',
  'user.deactivated',
  'team.updated',
  'org.updated',
]);

export interface FloorOptions {
  /** How often the loop runs without being woken (offer timeouts, presence grace). */
  tickMs?: number;
  /** false: no loop in this process (tests that drive routing step by step). */
  loop?: boolean;
}

/**
 * The floor loop, one per process: sweeps presence (no device after the grace), ends stale
 * offers, returns what the teams' no-answer and absence rules say, brings back snoozed
 * conversations, marks missed service levels (every `tickMs`), and routes waiting
 * conversations of automatic teams (every tick and whenever an event can change the outcome).
 * Several processes run it at once; the database's locks make them agree.
 */
export function startFloor(s: Services, options: FloorOptions = {}): { wake(): void; stop(): Promise<void> } {
  if (options.loop === false) return { wake: () => {}, stop: async () => {} };
  const tickMs = options.tickMs ?? 2_000;
  // The sweeps are about time (a grace, an offer's or a rule's minutes, a snooze, a target):
  // they run once per tick. An event between ticks can only change whom to route, so it
  // routes — five transactions fewer per event, which under load made every process loop
  // its sweeps back to back.
  let lastSweep = 0;
  const pump = new Pump(
    async () => {
      const now = new Date();
      if (now.getTime() - lastSweep >= tickMs / 2) {
        lastSweep = now.getTime();
        await sweepPresence(s, now);
        await sweepOffers(s, now);
        await sweepReturns(s, now);
        await sweepSnoozes(s, now);
        await sweepSla(s, now);
      }
      await routeAll(s, now);
    },
    (err) => s.log.error({ err }, 'floor cycle failed; the next one retries'),
  );
  const unsubscribe = s.bus.subscribe((e) => {
    // A conversation still with the bot is no one's to route and frees no one's place: a
    // new customer's first messages wake nothing (the tick still runs).
    if ((e.type === 'queue.changed' || e.type === 'conversation.updated') && e.data.status === 'bot') return;
    if (WAKING.has(e.type)) pump.wake();
  });
  pump.start(tickMs);
  return {
    wake: () => pump.wake(),
    async stop() {
      unsubscribe();
      await pump.stop();
    },
  };
}

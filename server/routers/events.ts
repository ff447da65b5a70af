import { tracked } from '@trpc/server';
import { z } from 'zod';
import { eventsAfter, latestEventId } from '../../db/queries/events.ts';
import { getSession } from '../../db/queries/sessions.ts';
import { teamsOfUser } from '../../db/queries/teams.ts';
import { getUser } from '../../db/queries/users.ts';
import { sessionIsFresh } from '../auth/session.ts';
import type { LiveEvent } from '../../shared/events.ts';
import { storedEvent, type StoredEvent } from '../events/bus.ts';
import { endsStream, mayReceive, type Receiver } from '../events/permissions.ts';
import { authedProcedure, router } from '../trpc.ts';

/** A tiny async queue: the bus pushes, the stream pulls; a signal wakes it on close. */
function eventQueue() {
  const items: StoredEvent[] = [];
  let wake: (() => void) | null = null;
  return {
    push(e: StoredEvent) {
      items.push(e);
      wake?.();
    },
    wakeUp() {
      wake?.();
    },
    async next(): Promise<StoredEvent | null> {
      if (items.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      return items.shift() ?? null;
    },
  };
}

const SESSION_RECHECK_MS = 30_000;

/** The wire form: the event's data beside its type and time (its id is the tracked id). */
const live = (e: StoredEvent): LiveEvent => ({ type: e.type, at: e.at, ...e.data }) as LiveEvent;
const streamSignal = (type: 'stream.ready' | 'stream.replaced'): LiveEvent => ({ type, at: new Date().toISOString() });

export const eventsRouter = router({
  /**
   * One stream per browser tab for everything live. Tracked ids let a reconnect resume
   * (httpSubscriptionLink sends lastEventId); every event is checked against this user's
   * permissions; the stream ends when the session does. Caps (per process): a session's
   * newest streams win (one more than STREAMS_PER_SESSION ends the oldest, which says
   * `stream.replaced`), and an address holding EVENT_STREAMS_PER_IP is refused.
   */
  stream: authedProcedure.input(z.object({ lastEventId: z.string().regex(/^\d+$/).nullish() }).optional()).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const s = ctx.services;
    const loadTeams = async () => new Set((await teamsOfUser(s.sql, ctx.org.id, ctx.user.id)).map((t) => t.id));
    const receiver: Receiver = {
      orgId: ctx.org.id,
      userId: ctx.user.id,
      role: ctx.user.role,
      sessionId: ctx.auth.sessionId,
      teamIds: await loadTeams(),
    };
    const queue = eventQueue();
    let replaced = false;
    // The process drains: the stream ends cleanly, the tab resumes from its last id elsewhere.
    let draining = false;
    // Released in the `finally` below: nothing awaits between here and there.
    const slot = s.eventStreams.admit(
      receiver.sessionId,
      ctx.ip,
      () => {
        replaced = true;
        queue.wakeUp();
      },
      () => {
        draining = true;
        queue.wakeUp();
      },
    );
    if (!slot) throw ctx.fail('TOO_MANY_REQUESTS', 'error.tooManyStreams');
    // A live stream is a device of the agent (users.connected), on this process.
    const leave = s.presence.connect(receiver.orgId, receiver.userId);
    // Subscribe before reading the cursor, so nothing falls between replay and live.
    const unsubscribe = s.bus.subscribe((e) => {
      if (e.orgId === receiver.orgId) queue.push(e);
    });
    let sessionGone = false;
    const recheck = setInterval(() => {
      getSession(s.sql, receiver.sessionId)
        .then((row) => {
          if (!row || !sessionIsFresh(row, { idleDays: s.env.SESSION_IDLE_DAYS, maxDays: s.env.SESSION_MAX_DAYS })) {
            sessionGone = true;
            queue.wakeUp();
          }
        })
        .catch(() => {});
    }, SESSION_RECHECK_MS);
    const onAbort = () => queue.wakeUp();
    signal?.addEventListener('abort', onAbort);
    s.metrics.eventStreams.inc();
    try {
      let cursor = BigInt(input?.lastEventId ?? (await latestEventId(s.sql, receiver.orgId)));
      const deliver = async function* (e: StoredEvent) {
        if (BigInt(e.id) <= cursor) return;
        cursor = BigInt(e.id);
        // Membership or role changes take effect on this stream at once.
        if (e.type === 'team.updated' || (e.type === 'user.updated' && e.data.userId === receiver.userId)) {
          receiver.teamIds = await loadTeams();
          const me = await getUser(s.sql, receiver.orgId, receiver.userId);
          if (me) receiver.role = me.role;
        }
        if (await mayReceive(e, receiver, s.sql)) yield tracked(e.id, live(e));
      };
      // Tells the tab the stream is live and from which id it resumes (refetch now, then follow).
      if (!input?.lastEventId) yield tracked(cursor.toString(), streamSignal('stream.ready'));
      // Replay what was missed since lastEventId (in pages), then go live.
      for (;;) {
        const missed = (await eventsAfter(s.sql, receiver.orgId, cursor.toString())).map(storedEvent);
        for (const e of missed) {
          if (endsStream(e, receiver)) return;
          yield* deliver(e);
        }
        if (missed.length < 500 || replaced) break;
      }
      while (!signal?.aborted && !sessionGone && !replaced && !draining) {
        const e = await queue.next();
        if (!e) continue;
        if (endsStream(e, receiver)) return;
        yield* deliver(e);
      }
      // Tells that tab why (a newer one of its session took the slot); it resumes from `cursor`.
      if (replaced) yield tracked(cursor.toString(), streamSignal('stream.replaced'));
    } finally {
      slot.release();
      leave();
      clearInterval(recheck);
      signal?.removeEventListener('abort', onAbort);
      unsubscribe();
      s.metrics.eventStreams.dec();
    }
  }),
});

import { pruneEvents } from '../../db/queries/events.ts';
import { pruneLoginFailures } from '../../db/queries/lockout.ts';
import { deleteExpiredSessions } from '../../db/queries/sessions.ts';
import type { Services } from '../services/index.ts';

/** Periodic clean-up; every statement is idempotent, so several processes may run it. */
export function startHousekeeping(s: Services, intervalMs = 10 * 60_000): () => void {
  const run = async () => {
    try {
      await deleteExpiredSessions(s.sql, s.env.SESSION_IDLE_DAYS, s.env.SESSION_MAX_DAYS);
      await pruneLoginFailures(s.sql, s.env.LOCKOUT_WINDOW_MINUTES);
      await pruneEvents(s.sql, 48);
    } catch (err) {
      s.log.warn({ err }, 'housekeeping failed; will retry');
    }
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}

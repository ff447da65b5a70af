import { deleteUnattachedAttachments, pruneUploadUsage } from '../../db/queries/attachments.ts';
import { pruneEvents } from '../../db/queries/events.ts';
import { pruneLoginFailures } from '../../db/queries/lockout.ts';
import { pruneTwoFactor } from '../../db/queries/twofactor.ts';
import { deleteExpiredSessions } from '../../db/queries/sessions.ts';
import { offlineWithoutSession } from '../auth/session.ts';
import type { Services } from '../services/index.ts';

const SWEEP_BATCH = 500;
/** Bounds one run; a backlog larger than this is finished by the next runs. */
const SWEEP_MAX_BATCHES = 20;

/**
 * Deletes uploads (web chat visitors' and agents' /uploads) that nothing uses after
 * UPLOAD_UNATTACHED_TTL_HOURS: the rows first, then their stored files. A file that cannot
 * be removed is logged and left (its row is gone, so nothing serves it); the sweep goes on.
 * Several processes may sweep at once: each row is taken by one of them.
 */
export async function sweepUnattachedUploads(s: Services): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < SWEEP_MAX_BATCHES; batch++) {
    const rows = await deleteUnattachedAttachments(s.sql, s.env.UPLOAD_UNATTACHED_TTL_HOURS, SWEEP_BATCH);
    for (const row of rows) {
      await s.storage
        .delete(row.storageKey)
        .catch((err: unknown) =>
          s.log.warn({ err, attachmentId: row.id, storageKey: row.storageKey }, 'could not remove the file of a swept upload'),
        );
    }
    deleted += rows.length;
    if (rows.length < SWEEP_BATCH) break;
  }
  if (deleted) s.log.info({ deleted }, 'unattached uploads swept');
  return deleted;
}

/**
 * Ends the sessions past their idle or maximum age; an agent left with none goes offline
 * (announced). Each user is settled apart: one failure does not keep the others online.
 */
export async function expireSessions(s: Services): Promise<void> {
  const ended = await deleteExpiredSessions(s.sql, s.env.SESSION_IDLE_DAYS, s.env.SESSION_MAX_DAYS);
  for (const { orgId, userId } of ended) {
    await offlineWithoutSession(s.sql, s.bus, orgId, userId).catch((err: unknown) =>
      s.log.warn({ err, userId }, 'could not set offline an agent whose session expired'),
    );
  }
}

/** Periodic clean-up; every statement is idempotent, so several processes may run it. */
export function startHousekeeping(s: Services, intervalMs = 10 * 60_000): () => void {
  const run = async () => {
    try {
      await expireSessions(s);
      await pruneLoginFailures(s.sql, s.env.LOCKOUT_WINDOW_MINUTES);
      await pruneTwoFactor(s.sql);
      await pruneEvents(s.sql, 48);
      await pruneUploadUsage(s.sql);
    } catch (err) {
      s.log.warn({ err }, 'housekeeping failed; will retry');
    }
    // Apart: a failed sweep must not stop the rest, nor the rest the sweep.
    try {
      await sweepUnattachedUploads(s);
    } catch (err) {
      s.log.warn({ err }, 'upload sweep failed; will retry');
    }
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}

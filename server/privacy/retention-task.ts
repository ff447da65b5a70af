import type { TaskList } from 'graphile-worker';
import { applyRetention } from '../commands/privacy.ts';
import type { Services } from '../services/index.ts';

/**
 * The hourly retention job (server/jobs/worker.ts crontab): every organization's rules, in
 * batches; a backlog larger than one run is finished by the next hours. `now` in the payload
 * is for one-off runs (operations, tests).
 */
export function privacyTasks(s: Services): TaskList {
  return {
    privacy_retention: async (payload) => {
      const at = (payload as { now?: unknown } | null)?.now;
      const now = typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? new Date(at) : new Date();
      const results = await applyRetention(s, now);
      for (const [orgId, r] of results) {
        if (r.conversations || r.contacts || r.auditRows) s.log.info({ orgId, ...r }, 'retention applied');
      }
    },
  };
}

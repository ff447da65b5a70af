import { isWithinWorkHours, type WorkHours } from './work-hours.ts';

/**
 * Available (issue 12): an agent customers can be given now. Status is what the agent chose;
 * `connected` is whether a device of theirs is live (or was, within the organization's grace
 * period: users.connected). Available = online (not paused, not offline), connected, and
 * inside their work hours when the organization enforces them (work_hours_policy
 * 'refuse_login'; an agent with no schedule is never outside it). The "no one available"
 * notice, automatic routing and the monitoring board all ask this one rule.
 */
export interface AvailabilityFacts {
  status: 'online' | 'paused' | 'offline';
  connected: boolean;
  workHours: WorkHours;
  /** The agent's time zone, else the organization's. */
  timeZone: string;
  /** The organization refuses work outside work hours (work_hours_policy = 'refuse_login'). */
  enforceWorkHours: boolean;
}

export function isAvailable(f: AvailabilityFacts, now: Date): boolean {
  if (f.status !== 'online' || !f.connected) return false;
  return !f.enforceWorkHours || isWithinWorkHours(f.workHours, now, f.timeZone);
}

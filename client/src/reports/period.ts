import { wallClock } from '../../../shared/time-zone.ts';

export type Preset = 'today' | 'last7' | 'thisMonth' | 'lastMonth' | 'custom';
export const PRESETS: Preset[] = ['today', 'last7', 'thisMonth', 'lastMonth', 'custom'];

/** A period as local dates of the organization's zone, both included (what reports.summary takes). */
export interface Period {
  from: string;
  to: string;
}

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

/** The dates a preset means at `now` in the organization's zone ('custom' keeps today). */
export function presetPeriod(preset: Preset, now: Date, zone: string): Period {
  const w = wallClock(now, zone);
  const today = iso(w.year, w.month, w.day);
  switch (preset) {
    case 'last7':
      return { from: iso(w.year, w.month, w.day - 6), to: today };
    case 'thisMonth':
      return { from: iso(w.year, w.month, 1), to: today };
    case 'lastMonth':
      // Day 0 of this month is the last day of the previous one.
      return { from: iso(w.year, w.month - 1, 1), to: iso(w.year, w.month, 0) };
    default:
      return { from: today, to: today };
  }
}

import { wallClock, zonedInstant } from '../../shared/time-zone.ts';
import type { Counts, Durations, FigureRow } from '../../db/queries/reports.ts';

/** The longest period one report covers (a year and a bit: this year against last). */
export const MAX_REPORT_DAYS = 400;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instants a period covers, [start, end): a date ("YYYY-MM-DD") is a whole local day in the
 * organization's zone (`to` included), a date-time with its offset is that instant. null when it
 * does not parse, ends before it starts, or is longer than MAX_REPORT_DAYS.
 */
export function periodOf(from: string, to: string, zone: string): { start: Date; end: Date } | null {
  const start = DATE.test(from) ? zonedInstant(from, '00:00', zone) : new Date(from);
  const end = DATE.test(to) ? zonedInstant(nextDay(to), '00:00', zone) : new Date(to);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) return null;
  // A DST day is an hour longer: allow it.
  if (end.getTime() - start.getTime() > (MAX_REPORT_DAYS + 1) * 86_400_000) return null;
  return { start, end };
}

function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

const localDate = (at: Date, zone: string) => {
  const w = wallClock(at, zone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
};

/** The local dates a period [start, end) touches in the zone, in order. */
export function periodDays(start: Date, end: Date, zone: string): string[] {
  const last = localDate(new Date(end.getTime() - 1), zone);
  const days: string[] = [];
  for (let d = localDate(start, zone); d <= last && days.length <= MAX_REPORT_DAYS + 2; d = nextDay(d)) days.push(d);
  return days;
}

export interface Figures extends Counts {
  rating: { count: number; average: number | null };
  sla: { met: number; breached: number };
}

const noDurations: Durations = { count: 0, p50: null, p90: null, average: null };
export const EMPTY_FIGURES: Figures = {
  received: 0,
  answered: 0,
  abandoned: 0,
  transferred: 0,
  autoClosed: 0,
  waiting: noDurations,
  handling: noDurations,
  firstResponse: noDurations,
  rating: { count: 0, average: null },
  sla: { met: 0, breached: 0 },
};

const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const roundDurations = (d: Durations): Durations => ({ count: d.count, p50: round(d.p50), p90: round(d.p90), average: round(d.average) });

export function figuresOf(r: FigureRow): Figures {
  return {
    received: r.received,
    answered: r.answered,
    abandoned: r.abandoned,
    transferred: r.transferred,
    autoClosed: r.autoClosed,
    waiting: roundDurations(r.waiting),
    handling: roundDurations(r.handling),
    firstResponse: roundDurations(r.firstResponse),
    rating: { count: r.rated, average: r.rated > 0 ? Math.round((r.ratingSum / r.rated) * 100) / 100 : null },
    sla: { met: r.slaMet, breached: r.slaBreached },
  };
}

/** Rows of one dimension added up (counts and sums; a sum of rows has no percentiles). */
function addUp(rows: FigureRow[]): FigureRow {
  const total = (pick: (r: FigureRow) => number) => rows.reduce((sum, r) => sum + pick(r), 0);
  const durations = (pick: (r: FigureRow) => Durations, sum: (r: FigureRow) => number): Durations => {
    const count = total((r) => pick(r).count);
    return { count, p50: null, p90: null, average: count > 0 ? total(sum) / count : null };
  };
  return {
    dim: rows[0]!.dim,
    key: rows[0]!.key,
    received: total((r) => r.received),
    answered: total((r) => r.answered),
    abandoned: total((r) => r.abandoned),
    transferred: total((r) => r.transferred),
    autoClosed: total((r) => r.autoClosed),
    waiting: durations(
      (r) => r.waiting,
      (r) => r.sums.waiting,
    ),
    handling: durations(
      (r) => r.handling,
      (r) => r.sums.handling,
    ),
    firstResponse: durations(
      (r) => r.firstResponse,
      (r) => r.sums.firstResponse,
    ),
    rated: total((r) => r.rated),
    ratingSum: total((r) => r.ratingSum),
    slaMet: total((r) => r.slaMet),
    slaBreached: total((r) => r.slaBreached),
    sums: {
      waiting: total((r) => r.sums.waiting),
      handling: total((r) => r.sums.handling),
      firstResponse: total((r) => r.sums.firstResponse),
    },
  };
}

/** The local hours of the period ("YYYY-MM-DD HH") added up by what `keyOf` makes of each. */
function regroup(localHours: FigureRow[], keyOf: (localHour: string) => string): Map<string, Figures> {
  const groups = new Map<string, FigureRow[]>();
  for (const r of localHours) {
    const key = keyOf(r.key!);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return new Map([...groups].map(([key, rows]) => [key, figuresOf(addUp(rows))]));
}

/** ISO weekday (1 Monday … 7 Sunday) of a date "YYYY-MM-DD…". */
const isoWeekday = (date: string) => ((new Date(`${date.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

type Named = { id: string; name: string };

/**
 * The answer of reports.summary from the grouped rows: every hour 0–23, weekday 1–7 (ISO:
 * Monday first) and local day of the period is present (zeros where nothing happened); teams,
 * channels and agents are named and ordered by volume.
 */
export function shapeSummary(
  rows: FigureRow[],
  tags: { tagId: string; count: number }[],
  names: {
    team: Map<string, string>;
    channel: Map<string, string>;
    agent: Map<string, string>;
    disposition: Map<string, string>;
    tag: Map<string, string>;
  },
  days: string[],
) {
  const of = (dim: FigureRow['dim']) => rows.filter((r) => r.dim === dim);
  const named = (map: Map<string, string>, id: string | null): Named | null => (id ? { id, name: map.get(id) ?? '' } : null);
  const byVolume = (a: { received: number }, b: { received: number }) => b.received - a.received;
  const total = of('total')[0];
  const localHours = of('localHour');
  const hours = regroup(localHours, (h) => String(Number(h.slice(11, 13))));
  const weekdays = regroup(localHours, (h) => String(isoWeekday(h)));
  const dayFigures = regroup(localHours, (h) => h.slice(0, 10));
  const ratingCounts = new Map(of('rating').map((r) => [r.key, r.received]));
  const totals = total ? figuresOf(total) : EMPTY_FIGURES;
  return {
    totals,
    byTeam: of('team')
      .map((r) => ({ team: named(names.team, r.key), ...figuresOf(r) }))
      .sort(byVolume),
    byChannel: of('channel')
      .map((r) => ({ channel: named(names.channel, r.key)!, ...figuresOf(r) }))
      .sort(byVolume),
    byAgent: of('agent')
      .map((r) => ({ agent: named(names.agent, r.key), ...figuresOf(r) }))
      .sort(byVolume),
    byHour: Array.from({ length: 24 }, (_, hour) => ({ hour, ...(hours.get(String(hour)) ?? EMPTY_FIGURES) })),
    byWeekday: Array.from({ length: 7 }, (_, i) => ({ weekday: i + 1, ...(weekdays.get(String(i + 1)) ?? EMPTY_FIGURES) })),
    byDay: days.map((date) => ({ date, ...(dayFigures.get(date) ?? EMPTY_FIGURES) })),
    dispositions: of('disposition')
      .filter((r) => r.key !== null)
      .map((r) => ({ disposition: named(names.disposition, r.key)!, count: r.received }))
      .sort((a, b) => b.count - a.count),
    tags: tags.map((t) => ({ tag: named(names.tag, t.tagId)!, count: t.count })).sort((a, b) => b.count - a.count),
    ratings: {
      count: totals.rating.count,
      average: totals.rating.average,
      distribution: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: ratingCounts.get(String(rating)) ?? 0 })),
    },
    sla: totals.sla,
  };
}

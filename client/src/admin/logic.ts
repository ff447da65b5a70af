/**
 * Pure helpers of the admin screens (no Solid, no DOM): work-hours text, template
 * placeholders and their preview, network lists, waiting times. Unit-tested in logic.test.ts.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type WorkHours = Partial<Record<Weekday, [string, string][]>>;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** The HTML `pattern` of one day's intervals: "08:00-12:00, 13:00-17:30" (empty = day off). */
export const DAY_PATTERN = String.raw`\s*(([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d\s*(,\s*([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d\s*){0,3})?`;

/** "08:00-12:00, 13:00-17:00" → intervals; null when the text is not in that shape. */
export function parseDay(text: string): [string, string][] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const intervals: [string, string][] = [];
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$/.exec(part);
    if (!m || !TIME.test(m[1]!) || !TIME.test(m[2]!)) return null;
    intervals.push([m[1]!, m[2]!]);
  }
  return intervals.length > 4 ? null : intervals;
}

export function formatDay(intervals: readonly (readonly [string, string])[] | undefined): string {
  return (intervals ?? []).map(([from, to]) => `${from}-${to}`).join(', ');
}

/** Every weekday's text → work hours (days left empty are omitted); the first bad day otherwise. */
export function parseWorkHours(days: Partial<Record<Weekday, string>>): { ok: true; value: WorkHours } | { ok: false; day: Weekday } {
  const value: WorkHours = {};
  for (const day of WEEKDAYS) {
    const parsed = parseDay(days[day] ?? '');
    if (parsed === null) return { ok: false, day };
    if (parsed.length > 0) value[day] = parsed;
  }
  return { ok: true, value };
}

/**
 * A schedule for the server (a team's business hours): every weekday's text in the
 * `parseWorkHours` shape, and each interval ending after it starts (the server refuses one
 * that does not). The first bad day and why otherwise.
 */
export function parseSchedule(
  days: Partial<Record<Weekday, string>>,
): { ok: true; value: WorkHours } | { ok: false; day: Weekday; reason: 'shape' | 'order' } {
  const hours = parseWorkHours(days);
  if (!hours.ok) return { ...hours, reason: 'shape' };
  const day = WEEKDAYS.find((d) => (hours.value[d] ?? []).some(([from, to]) => from >= to));
  return day ? { ok: false, day, reason: 'order' } : hours;
}

/** Dates as the server takes them ("YYYY-MM-DD"): blanks dropped, no repeats, in order. */
export function normalizeDates(dates: readonly string[]): string[] {
  return [...new Set(dates.map((d) => d.trim()).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)))].sort();
}

export function hasSchedule(hours: WorkHours | null | undefined): boolean {
  return Object.values(hours ?? {}).some((list) => (list?.length ?? 0) > 0);
}

/** The placeholder numbers of a template body ({{1}}, {{ 2 }}), sorted, without repeats. */
export function placeholders(body: string): number[] {
  return [...new Set([...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

/** As the server counts them: 1..n without gaps → n; otherwise null (the server refuses it). */
export function paramCount(body: string): number | null {
  const numbers = placeholders(body);
  const highest = Math.max(0, ...numbers);
  return numbers.length === highest ? highest : null;
}

/** The body with each {{n}} replaced by its sample value (or left as {{n}} when there is none). */
export function previewTemplate(body: string, samples: readonly string[]): string {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => {
    const value = samples[Number(n) - 1];
    return value && value.trim() !== '' ? value : whole;
  });
}

/** One network per line or comma; blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A light check of an IPv4/IPv6 address or CIDR network (the server has the last word). */
export function looksLikeNetwork(value: string): boolean {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined || !address) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    if (address.split('.').some((o) => Number(o) > 255)) return false;
    return prefix === undefined || (/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32);
  }
  if (/^[0-9a-fA-F:]+$/.test(address) && address.includes(':')) {
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= 128);
  }
  return false;
}

/** Groups items by a key, keeping first-seen order of the keys. */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.entries()];
}

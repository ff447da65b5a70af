import { language, t } from '../i18n.ts';
import { formatDuration } from '../lib/format.ts';
import type { trpc } from '../trpc.ts';
import type { Column } from './table.tsx';

export type Summary = Awaited<ReturnType<typeof trpc.reports.summary.query>>;
export type Figures = Summary['totals'];
type Durations = Figures['waiting'];

export const duration = (seconds: number | null) => (seconds === null ? '—' : formatDuration(seconds));
export const decimal = (n: number | null) => (n === null ? '—' : new Intl.NumberFormat(language(), { maximumFractionDigits: 2 }).format(n));

const durationColumns = <R extends Figures>(label: string, pick: (r: R) => Durations, p90: boolean): Column<R>[] => {
  const average: Column<R> = {
    label: t('reports.col.average', { what: label }),
    value: (r) => pick(r).average,
    show: (r) => duration(pick(r).average),
    numeric: true,
  };
  const ninetieth: Column<R> = {
    label: t('reports.col.p90', { what: label }),
    value: (r) => pick(r).p90,
    show: (r) => duration(pick(r).p90),
    numeric: true,
  };
  return p90 ? [average, ninetieth] : [average];
};

/**
 * The figures' columns after a breakdown's own (a team, a channel, a weekday…). Durations:
 * seconds in the CSV. The server ranks (p90) the totals, teams, channels and agents only.
 */
export function figureColumns<R extends Figures>(options: { p90: boolean } = { p90: true }): Column<R>[] {
  const count = (label: string, pick: (r: R) => number): Column<R> => ({ label, value: pick, numeric: true });
  return [
    count(t('reports.received'), (r) => r.received),
    count(t('reports.answered'), (r) => r.answered),
    count(t('reports.abandoned'), (r) => r.abandoned),
    count(t('reports.transferred'), (r) => r.transferred),
    count(t('reports.autoClosed'), (r) => r.autoClosed),
    ...durationColumns<R>(t('reports.waiting'), (r) => r.waiting, options.p90),
    ...durationColumns<R>(t('reports.handling'), (r) => r.handling, options.p90),
    ...durationColumns<R>(t('reports.firstResponse'), (r) => r.firstResponse, options.p90),
    { label: t('reports.ratingAverage'), value: (r) => r.rating.average, show: (r) => decimal(r.rating.average), numeric: true },
    count(t('reports.slaMet'), (r) => r.sla.met),
    count(t('reports.slaBreached'), (r) => r.sla.breached),
  ];
}

/** ISO weekday 1–7 (Monday first) in the person's language. */
export const weekdayName = (weekday: number) =>
  new Intl.DateTimeFormat(language(), { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, weekday)));

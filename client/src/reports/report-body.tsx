import { For } from 'solid-js';
import { language, t } from '../i18n.ts';
import { Chart, type ChartData } from './chart.tsx';
import { decimal, duration, figureColumns, weekdayName, type Summary } from './figures.ts';
import { ReportTable, type Column } from './table.tsx';

type Row<K extends 'byTeam' | 'byChannel' | 'byAgent' | 'byWeekday' | 'dispositions' | 'tags'> = Summary[K][number];

const BLUE = '#2563eb';
const GREEN = '#15803d';

/** What a period's report shows: the figures, two charts and the tables. */
export function ReportBody(props: { summary: Summary }) {
  const s = () => props.summary;
  const byDay = (): ChartData => ({
    kind: 'time',
    xName: t('reports.day'),
    x: s().byDay.map((d) => Date.parse(`${d.date}T12:00:00Z`) / 1000),
    series: [
      { label: t('reports.received'), values: s().byDay.map((d) => d.received), color: BLUE },
      { label: t('reports.answered'), values: s().byDay.map((d) => d.answered), color: GREEN },
    ],
    xLabel: (x) => new Intl.DateTimeFormat(language(), { day: '2-digit', month: '2-digit', timeZone: 'UTC' }).format(new Date(x * 1000)),
  });
  const byHour = (): ChartData => ({
    kind: 'bars',
    xName: t('reports.hour'),
    x: s().byHour.map((h) => h.hour),
    series: [{ label: t('reports.received'), values: s().byHour.map((h) => h.received), color: BLUE }],
    xLabel: (x) => (Number.isInteger(x) ? `${String(x).padStart(2, '0')}h` : ''),
  });
  const named = <R,>(label: string, name: (r: R) => string): Column<R> => ({ label, value: name });
  const count = <R extends { count: number }>(): Column<R> => ({ label: t('reports.count'), value: (r) => r.count, numeric: true });
  return (
    <div class="rep-body">
      <Totals summary={s()} />
      <div class="rep-charts">
        <figure>
          <figcaption>{t('reports.chart.byDay')}</figcaption>
          <Chart data={byDay()} label={t('reports.chart.byDay')} />
        </figure>
        <figure>
          <figcaption>{t('reports.chart.byHour')}</figcaption>
          <Chart data={byHour()} label={t('reports.chart.byHour')} />
        </figure>
      </div>
      <ReportTable
        title={t('reports.byTeam')}
        file="report-teams"
        rows={s().byTeam}
        columns={[named(t('reports.team'), (r: Row<'byTeam'>) => r.team?.name ?? t('reports.noTeam')), ...figureColumns()]}
      />
      <ReportTable
        title={t('reports.byChannel')}
        file="report-channels"
        rows={s().byChannel}
        columns={[named(t('reports.channel'), (r: Row<'byChannel'>) => r.channel.name), ...figureColumns()]}
      />
      <ReportTable
        title={t('reports.byAgent')}
        file="report-agents"
        rows={s().byAgent}
        columns={[named(t('reports.agent'), (r: Row<'byAgent'>) => r.agent?.name ?? t('reports.noAgent')), ...figureColumns()]}
      />
      <ReportTable
        title={t('reports.byWeekday')}
        file="report-weekdays"
        rows={s().byWeekday}
        columns={[named(t('reports.weekday'), (r: Row<'byWeekday'>) => weekdayName(r.weekday)), ...figureColumns({ p90: false })]}
      />
      <div class="rep-small-tables">
        <ReportTable
          title={t('reports.dispositions')}
          file="report-dispositions"
          rows={s().dispositions}
          columns={[named(t('reports.disposition'), (r: Row<'dispositions'>) => r.disposition.name), count()]}
        />
        <ReportTable
          title={t('reports.tags')}
          file="report-tags"
          rows={s().tags}
          columns={[named(t('reports.tag'), (r: Row<'tags'>) => r.tag.name), count()]}
        />
        <ReportTable
          title={t('reports.ratings')}
          file="report-ratings"
          rows={s().ratings.distribution}
          columns={[{ label: t('reports.rating'), value: (r) => r.rating, numeric: true }, count()]}
        />
      </div>
    </div>
  );
}

/** The period's figures at a glance. */
function Totals(props: { summary: Summary }) {
  const f = () => props.summary.totals;
  const items = (): [string, string][] => [
    [t('reports.received'), String(f().received)],
    [t('reports.answered'), String(f().answered)],
    [t('reports.abandoned'), String(f().abandoned)],
    [t('reports.transferred'), String(f().transferred)],
    [t('reports.autoClosed'), String(f().autoClosed)],
    [t('reports.waiting'), `${duration(f().waiting.p50)} · ${duration(f().waiting.p90)} · ${duration(f().waiting.average)}`],
    [t('reports.handling'), `${duration(f().handling.p50)} · ${duration(f().handling.p90)} · ${duration(f().handling.average)}`],
    [
      t('reports.firstResponse'),
      `${duration(f().firstResponse.p50)} · ${duration(f().firstResponse.p90)} · ${duration(f().firstResponse.average)}`,
    ],
    [t('reports.ratingAverage'), `${decimal(props.summary.ratings.average)} (${props.summary.ratings.count})`],
    [t('reports.sla'), t('reports.slaValue', { met: props.summary.sla.met, breached: props.summary.sla.breached })],
  ];
  return (
    <>
      <dl class="rep-totals" aria-label={t('reports.totals')}>
        <For each={items()}>
          {([label, value]) => (
            <div>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          )}
        </For>
      </dl>
      <p class="adm-muted">{t('reports.durationsHint')}</p>
    </>
  );
}

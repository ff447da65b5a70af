import { useQuery } from '@tanstack/solid-query';
import { createMemo, createSignal, Match, Show, Switch } from 'solid-js';
import { t, useTitle } from '../i18n.ts';
import { meQuery } from '../session.ts';
import { trpc } from '../trpc.ts';
import { Loaded } from '../admin/feedback.tsx';
import { Section } from '../admin/screen.tsx';
import { Filters, type Selection } from './filters.tsx';
import { presetPeriod } from './period.ts';
import { ReportBody } from './report-body.tsx';
import '../admin/admin.css';
import './reports.css';

/**
 * Reports (admins: every team; supervisors: their teams — the server decides): a period and
 * filters, the figures, charts by day and by hour, and tables each exported as CSV.
 */
export default function ReportsPage() {
  useTitle('reports.title');
  const me = useQuery(meQuery);
  const allowed = () => me.data?.user.role === 'admin' || me.data?.user.role === 'supervisor';
  return (
    <Switch fallback={<p class="adm-muted">{t('common.loading')}</p>}>
      <Match when={me.data && !allowed()}>
        <div class="adm-page">
          <p class="adm-alert" role="alert">
            {t('error.supervisorOnly')}
          </p>
        </div>
      </Match>
      <Match when={me.data}>
        <Reports />
      </Match>
    </Switch>
  );
}

function Reports() {
  const filters = useQuery(() => ({ queryKey: ['reports.filters'], queryFn: () => trpc.reports.filters.query() }));
  return (
    <div class="rep-page">
      <Section title={t('reports.title')}>
        <Loaded query={filters}>{(options) => <Report options={options()} />}</Loaded>
      </Section>
    </div>
  );
}

function Report(props: { options: Awaited<ReturnType<typeof trpc.reports.filters.query>> }) {
  const [selection, setSelection] = createSignal<Selection>({
    preset: 'last7',
    ...presetPeriod('last7', new Date(), props.options.timeZone),
    teamId: '',
    channelId: '',
    agentId: '',
  });
  const input = createMemo(() => {
    const s = selection();
    return {
      from: s.from,
      to: s.to,
      ...(s.teamId ? { teamId: s.teamId } : {}),
      ...(s.channelId ? { channelId: s.channelId } : {}),
      ...(s.agentId ? { agentId: s.agentId } : {}),
    };
  });
  const summary = useQuery(() => ({
    queryKey: ['reports.summary', input()],
    queryFn: () => trpc.reports.summary.query(input()),
    enabled: input().from <= input().to,
  }));
  return (
    <>
      <Filters options={props.options} selection={selection()} onChange={setSelection} />
      <Show when={input().from <= input().to} fallback={<p class="adm-alert">{t('reports.endBeforeStart')}</p>}>
        <Loaded query={summary}>{(data) => <ReportBody summary={data()} />}</Loaded>
      </Show>
      <p class="adm-muted rep-note">{t('reports.note', { zone: props.options.timeZone })}</p>
    </>
  );
}

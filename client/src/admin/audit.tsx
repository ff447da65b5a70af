import { keepPreviousData, useInfiniteQuery } from '@tanstack/solid-query';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { catalogue } from '../../../i18n/index.ts';
import { isMessageKey, language, t } from '../i18n.ts';
import { formatDateTimeIn } from '../lib/format.ts';
import { errorMessage, trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { useList } from './api.ts';
import { Section, TableHead } from './screen.tsx';

const PAGE = 100;
const ACTION_PREFIX = 'admin.audit.action.';
/** The actions the catalogue names (every action the server writes has a label). */
const ACTIONS = Object.keys(catalogue.en)
  .filter((k) => k.startsWith(ACTION_PREFIX))
  .map((k) => k.slice(ACTION_PREFIX.length));

type AuditFilters = { actorUserId?: string; action?: string; from?: string; to?: string };

/** The form's days as the server's period: the start of the first day to the start of the day after the last (this device's zone). */
export function auditFilters(form: { actor: string; action: string; from: string; to: string }): AuditFilters {
  const day = (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? new Date(`${d}T00:00:00`) : null);
  const f: AuditFilters = {};
  if (form.actor) f.actorUserId = form.actor;
  if (form.action) f.action = form.action;
  const from = day(form.from);
  if (from) f.from = from.toISOString();
  const to = day(form.to);
  if (to) {
    to.setDate(to.getDate() + 1);
    f.to = to.toISOString();
  }
  return f;
}

/** One short line of an entry's details ("fields: name, timeZone"). */
function details(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

export default function AuditScreen() {
  const users = useList('users');
  const org = useList('org');
  const [filters, setFilters] = createSignal<AuditFilters>({});
  const entries = useInfiniteQuery(() => ({
    queryKey: [...adminKeys.audit, filters()],
    queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
      trpc.admin.audit.list.query({ limit: PAGE, beforeId: pageParam, ...filters() }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { id: string }[]) => (last.length === PAGE ? last[last.length - 1]!.id : undefined),
    placeholderData: keepPreviousData,
  }));
  const csvHref = () => {
    const q = new URLSearchParams(Object.entries(filters()).filter((e): e is [string, string] => !!e[1]));
    return `/exports/audit.csv${q.size ? `?${q}` : ''}`;
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '');
    setFilters(auditFilters({ actor: field('actor'), action: field('action'), from: field('from'), to: field('to') }));
  };
  const name = createMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])));
  const who = (id: string | null) => (id ? (name().get(id) ?? id.slice(0, 8)) : '—');
  const action = (a: string) => {
    const key = `admin.audit.action.${a}`;
    return isMessageKey(key) ? t(key) : a;
  };
  const rows = () => entries.data?.pages.flat() ?? [];

  return (
    <Section
      title={t('admin.nav.audit')}
      actions={
        <div class="adm-audit-actions">
          <a class="button secondary" href={csvHref()} download="">
            {t('transcripts.audit.export')}
          </a>
          <button type="button" class="secondary" onClick={() => void entries.refetch()} disabled={entries.isFetching}>
            {t('admin.refresh')}
          </button>
        </div>
      }
    >
      <form class="adm-audit-filters" onSubmit={submit} aria-label={t('transcripts.audit.filters')}>
        <label class="adm-field">
          <span class="adm-label">{t('transcripts.audit.actor')}</span>
          <select name="actor">
            <option value="">{t('transcripts.audit.anyone')}</option>
            <For each={users.data ?? []}>{(u) => <option value={u.id}>{u.name}</option>}</For>
          </select>
        </label>
        <label class="adm-field">
          <span class="adm-label">{t('transcripts.audit.action')}</span>
          <select name="action">
            <option value="">{t('transcripts.audit.anyAction')}</option>
            <For each={[...ACTIONS].sort((a, b) => action(a).localeCompare(action(b)))}>
              {(a) => <option value={a}>{action(a)}</option>}
            </For>
          </select>
        </label>
        <label class="adm-field">
          <span class="adm-label">{t('transcripts.filter.from')}</span>
          <input name="from" type="date" />
        </label>
        <label class="adm-field">
          <span class="adm-label">{t('transcripts.filter.to')}</span>
          <input name="to" type="date" />
        </label>
        <button type="submit" class="primary">
          {t('transcripts.filter.apply')}
        </button>
      </form>
      <Show when={entries.isError}>
        <p class="adm-alert" role="alert">
          {errorMessage(entries.error)}
        </p>
      </Show>
      <table class="adm-table">
        <TableHead
          labels={[
            t('admin.audit.at'),
            t('admin.audit.action'),
            t('admin.audit.actor'),
            t('admin.audit.subject'),
            t('admin.audit.ip'),
            t('admin.audit.details'),
          ]}
        />
        <tbody>
          <For each={rows()}>
            {(e) => (
              <tr>
                <td class="adm-num">
                  {formatDateTimeIn(e.at as unknown as string, { language: language(), timeZone: org.data?.timeZone })}
                </td>
                <td>{action(e.action)}</td>
                <td>{who(e.actorUserId)}</td>
                <td>{e.subjectUserId ? who(e.subjectUserId) : (e.email ?? '—')}</td>
                <td>
                  <code>{e.ip ?? '—'}</code>
                </td>
                <td class="adm-text">{details(e.details)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={entries.isPending}>
        <p class="adm-muted">{t('common.loading')}</p>
      </Show>
      <Show when={entries.isSuccess && rows().length === 0}>
        <p class="adm-muted" role="status">
          {t('transcripts.audit.empty')}
        </p>
      </Show>
      <Show when={entries.hasNextPage}>
        <button type="button" class="secondary" disabled={entries.isFetchingNextPage} onClick={() => void entries.fetchNextPage()}>
          {t('admin.audit.more')}
        </button>
      </Show>
    </Section>
  );
}

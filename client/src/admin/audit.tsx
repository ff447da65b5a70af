import { useInfiniteQuery } from '@tanstack/solid-query';
import { createMemo, For, Show } from 'solid-js';
import { isMessageKey, language, t } from '../i18n.ts';
import { formatDateTimeIn } from '../lib/format.ts';
import { errorMessage, trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { useList } from './api.ts';
import { Section, TableHead } from './screen.tsx';

const PAGE = 100;

/** One short line of an entry's details ("fields: name, timeZone"). */
function details(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

export default function AuditScreen() {
  const users = useList('users');
  const org = useList('org');
  const entries = useInfiniteQuery(() => ({
    queryKey: adminKeys.audit,
    queryFn: ({ pageParam }: { pageParam: string | undefined }) => trpc.admin.audit.list.query({ limit: PAGE, beforeId: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { id: string }[]) => (last.length === PAGE ? last[last.length - 1]!.id : undefined),
  }));
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
        <button type="button" class="secondary" onClick={() => void entries.refetch()} disabled={entries.isFetching}>
          {t('admin.refresh')}
        </button>
      }
    >
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
      <Show when={entries.hasNextPage}>
        <button type="button" class="secondary" disabled={entries.isFetchingNextPage} onClick={() => void entries.fetchNextPage()}>
          {t('admin.audit.more')}
        </button>
      </Show>
    </Section>
  );
}

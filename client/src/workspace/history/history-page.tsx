import { createEffect, createMemo, For, Show } from 'solid-js';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/solid-query';
import { Alert } from '../../components.tsx';
import { isMessageKey, language, t, useTitle } from '../../i18n.ts';
import { formatDateTimeIn, timeZone } from '../../lib/format.ts';
import { contactLabel } from '../../lib/contact.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { FilterFields } from '../shell/filters.tsx';
import { HISTORY_FILTERS, historyFilters, type HistoryParams } from './history-url.ts';
import './history.css';

type Page = Awaited<ReturnType<typeof trpc.conversations.history.query>>;
export type HistoryItem = Page['items'][number];

const PAGE = 50;

/** The outcome of a closed conversation: why it closed, and its disposition when one was picked. */
export function outcomeOf(item: Pick<HistoryItem, 'closeReason' | 'disposition'>): string {
  const key = `contacts.closeReason.${item.closeReason}`;
  const reason = isMessageKey(key) ? t(key) : (item.closeReason ?? '');
  return [reason, item.disposition?.name].filter(Boolean).join(' · ');
}

/**
 * Past conversations (`conversations.history`): only what the server lets this person see,
 * newest closed first, filtered; a row opens the transcript. A protocol number that matches
 * opens its transcript directly (`/history?protocol=…`).
 */
export default function HistoryPage() {
  useTitle('transcripts.title');
  const [params, setParams] = useSearchParams<HistoryParams>();
  const navigate = useNavigate();
  const filters = createMemo(() => historyFilters({ ...params }));
  const list = useInfiniteQuery(() => ({
    queryKey: ['conversations.history', filters()] as const,
    queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
      trpc.conversations.history.query({ filters: filters(), cursor: pageParam, limit: PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  }));
  const rows = () => list.data?.pages.flatMap((p) => p.items) ?? [];

  // A protocol number is one conversation: open it.
  createEffect(() => {
    const only = rows();
    if (filters().protocol && !list.isPlaceholderData && only.length === 1) navigate(`/history/${only[0]!.id}`, { replace: true });
  });

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const next: Record<string, string | undefined> = {};
    for (const name of HISTORY_FILTERS) next[name] = String(data.get(name) ?? '').trim() || undefined;
    setParams(next);
  };
  const clear = () => setParams(Object.fromEntries(HISTORY_FILTERS.map((n) => [n, undefined])));
  const when = (at: string | Date) => formatDateTimeIn(at as unknown as string, { language: language(), timeZone: timeZone() });

  return (
    <main class="page history-page">
      <h1>{t('transcripts.title')}</h1>
      <form class="history-form" onSubmit={submit}>
        <fieldset class="filter-box">
          <legend class="visually-hidden">{t('transcripts.title')}</legend>
          <div class="field">
            <label for="history-protocol">{t('transcripts.filter.protocol')}</label>
            <input id="history-protocol" name="protocol" type="search" value={params.protocol ?? ''} maxLength={40} />
          </div>
          <FilterFields idPrefix="history" labels="transcripts.filter" values={params} />
          <div class="history-form-actions">
            <button type="submit" class="primary">
              {t('transcripts.filter.apply')}
            </button>
            <button type="button" class="secondary" onClick={clear}>
              {t('transcripts.filter.clear')}
            </button>
          </div>
        </fieldset>
      </form>

      <Alert message={list.isError ? errorMessage(list.error) : null} />
      <Show when={list.isPending}>
        <p class="muted" role="status">
          {t('common.loading')}
        </p>
      </Show>
      <Show when={list.isSuccess && rows().length === 0}>
        <p class="muted" role="status">
          {t('transcripts.empty')}
        </p>
      </Show>
      <Show when={rows().length > 0}>
        <div class="history-scroll">
          <table class="history-table">
            <thead>
              <tr>
                <th scope="col">{t('transcripts.col.protocol')}</th>
                <th scope="col">{t('transcripts.col.contact')}</th>
                <th scope="col">{t('transcripts.col.channel')}</th>
                <th scope="col">{t('transcripts.col.team')}</th>
                <th scope="col">{t('transcripts.col.agent')}</th>
                <th scope="col">{t('transcripts.col.closedAt')}</th>
                <th scope="col">{t('transcripts.col.outcome')}</th>
                <th scope="col">{t('transcripts.col.rating')}</th>
                <th scope="col">{t('transcripts.col.tags')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(item) => (
                  <tr>
                    <td>
                      <A href={`/history/${item.id}`}>{item.protocol}</A>
                    </td>
                    <td>{contactLabel(item.contact)}</td>
                    <td>{item.channel.name}</td>
                    <td>{item.team?.name ?? '—'}</td>
                    <td>{item.assignee?.name ?? '—'}</td>
                    <td class="history-num">{when(item.closedAt)}</td>
                    <td>{outcomeOf(item)}</td>
                    <td class="history-num">{item.rating ?? '—'}</td>
                    <td>{item.tags.map((g) => g.name).join(', ')}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={list.hasNextPage}>
        <button type="button" class="secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {t('transcripts.more')}
        </button>
      </Show>
    </main>
  );
}

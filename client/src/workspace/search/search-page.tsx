import { createMemo, For, Match, Show, Switch } from 'solid-js';
import { A, useSearchParams } from '@solidjs/router';
import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { Alert } from '../../components.tsx';
import { language, t, useTitle } from '../../i18n.ts';
import { formatDateTimeIn, timeZone } from '../../lib/format.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { snippetParts } from '../../../../shared/search-snippet.ts';
import { FilterFields } from '../shell/filters.tsx';
import { dayRange, FILTERS, hitHref, type Hit, type SearchParams } from './search-url.ts';
import './search.css';

/**
 * Message search (`search.messages`): words, file names, contact notes and protocol numbers,
 * only what the server lets this person see. The URL keeps the query and the filters (back
 * button, reload, a link shared with a colleague — who sees only what they may).
 */
export default function SearchPage() {
  useTitle('search.title');
  const [params, setParams] = useSearchParams<SearchParams>();
  const request = createMemo(() => {
    const query = params.q?.trim();
    if (!query) return null;
    return {
      query,
      filters: {
        ...dayRange(params.from, params.to),
        teamId: params.team || undefined,
        channelId: params.channel || undefined,
        agentId: params.agent || undefined,
        tagId: params.tag || undefined,
        dispositionId: params.disposition || undefined,
      },
    };
  });
  const results = useQuery(() => ({
    queryKey: ['search.messages', request()] as const,
    queryFn: () => trpc.search.messages.query(request()!),
    enabled: request() !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  }));

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const next: Record<string, string | undefined> = { q: String(data.get('q') ?? '').trim() || undefined };
    for (const name of FILTERS) next[name] = String(data.get(name) ?? '') || undefined;
    setParams(next);
  };

  return (
    <main class="page search-page">
      <h1>{t('search.title')}</h1>
      <form class="search-form" onSubmit={submit}>
        <div class="field search-query">
          <label for="search-q">{t('search.query.label')}</label>
          <div class="search-query-row">
            <input
              id="search-q"
              name="q"
              type="search"
              value={params.q ?? ''}
              placeholder={t('search.query.placeholder')}
              maxLength={200}
              required
            />
            <button type="submit" class="primary">
              {t('search.submit')}
            </button>
          </div>
        </div>
        <fieldset class="filter-box">
          <legend>{t('search.filters')}</legend>
          <FilterFields idPrefix="search" labels="search.filter" values={params} />
        </fieldset>
      </form>

      <Switch fallback={<p class="search-hint">{t('search.hint')}</p>}>
        <Match when={results.isError}>
          <Alert message={errorMessage(results.error)} />
        </Match>
        <Match when={request() && results.isPending}>
          <p class="search-hint" role="status">
            {t('search.searching')}
          </p>
        </Match>
        <Match when={request() && results.data}>
          {(hits) => (
            <section aria-label={t('search.results')}>
              <Show
                when={hits().length > 0}
                fallback={
                  <p class="search-hint" role="status">
                    {t('search.empty')}
                  </p>
                }
              >
                <ul class="search-results">
                  <For each={hits()}>{(hit) => <SearchHit hit={hit} />}</For>
                </ul>
              </Show>
            </section>
          )}
        </Match>
      </Switch>
    </main>
  );
}

function SearchHit(props: { hit: Hit }) {
  const kind = () => t(`search.kind.${props.hit.kind}`);
  return (
    <li>
      <A
        class="search-hit"
        href={hitHref(props.hit)}
        aria-label={t('search.open', { what: kind().toLowerCase(), contact: props.hit.contact.name })}
      >
        <span class="search-hit-head">
          <strong>{props.hit.contact.name}</strong>
          <span class="search-hit-kind">{kind()}</span>
          <Show when={props.hit.protocol}>{(protocol) => <span>{t('search.protocol', { protocol: protocol() })}</span>}</Show>
          <Show when={props.hit.team}>{(team) => <span>{team().name}</span>}</Show>
          <time datetime={props.hit.at}>{formatDateTimeIn(props.hit.at, { language: language(), timeZone: timeZone() })}</time>
        </span>
        {/* Text nodes only: the server's markers become <mark>, nothing of the text is markup. */}
        <span class="search-snippet">
          <For each={snippetParts(props.hit.snippet)}>{(part) => (part.hit ? <mark>{part.text}</mark> : part.text)}</For>
        </span>
      </A>
    </li>
  );
}

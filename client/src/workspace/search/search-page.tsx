import { createMemo, For, Match, Show, Switch } from 'solid-js';
import { A, useSearchParams } from '@solidjs/router';
import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { Alert } from '../../components.tsx';
import { language, t, useTitle } from '../../i18n.ts';
import { formatDateTimeIn, timeZone } from '../../lib/format.ts';
import { keys } from '../../lib/keys.ts';
import { meQuery } from '../../session.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { snippetParts } from '../../../../shared/search-snippet.ts';
import { dayRange, FILTERS, hitHref, type FilterName, type Hit, type SearchParams } from './search-url.ts';
import './search.css';

const option = (o: { id: string; name: string }) => o;

/**
 * Message search (`search.messages`): words, file names, contact notes and protocol numbers,
 * only what the server lets this person see. The URL keeps the query and the filters (back
 * button, reload, a link shared with a colleague — who sees only what they may).
 */
export default function SearchPage() {
  useTitle('search.title');
  const [params, setParams] = useSearchParams<SearchParams>();
  const me = useQuery(meQuery);
  const channels = useQuery(() => ({ queryKey: keys.channels, queryFn: () => trpc.channels.list.query() }));
  const agents = useQuery(() => ({ queryKey: keys.agents, queryFn: () => trpc.agents.list.query() }));
  const tags = useQuery(() => ({ queryKey: keys.tagOptions, queryFn: () => trpc.conversations.tagOptions.query() }));
  const dispositions = useQuery(() => ({
    queryKey: keys.dispositionOptions,
    queryFn: () => trpc.conversations.dispositionOptions.query(),
  }));
  // Every team someone belongs to, and the person's own.
  const teams = createMemo(() => {
    const all = new Map<string, string>();
    for (const team of me.data?.teams ?? []) all.set(team.id, team.name);
    for (const agent of agents.data ?? []) for (const team of agent.teams) all.set(team.id, team.name);
    return [...all].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  });
  const choices: Record<Exclude<FilterName, 'from' | 'to'>, () => { id: string; name: string }[]> = {
    team: teams,
    channel: () => (channels.data ?? []).map(option),
    agent: () => (agents.data ?? []).map((a) => ({ id: a.id, name: a.name })),
    tag: () => (tags.data ?? []).map(option),
    disposition: () => (dispositions.data ?? []).map(option),
  };

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
        <fieldset class="search-filters">
          <legend>{t('search.filters')}</legend>
          <div class="field">
            <label for="search-from">{t('search.filter.from')}</label>
            <input id="search-from" name="from" type="date" value={params.from ?? ''} />
          </div>
          <div class="field">
            <label for="search-to">{t('search.filter.to')}</label>
            <input id="search-to" name="to" type="date" value={params.to ?? ''} />
          </div>
          <For each={['team', 'channel', 'agent', 'tag', 'disposition'] as const}>
            {(name) => (
              <div class="field">
                <label for={`search-${name}`}>{t(`search.filter.${name}`)}</label>
                <select id={`search-${name}`} name={name}>
                  <option value="">{t('search.filter.any')}</option>
                  <For each={choices[name]()}>
                    {(o) => (
                      <option value={o.id} selected={params[name] === o.id}>
                        {o.name}
                      </option>
                    )}
                  </For>
                </select>
              </div>
            )}
          </For>
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

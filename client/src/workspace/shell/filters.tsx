import { createMemo, For } from 'solid-js';
import { useQuery } from '@tanstack/solid-query';
import { t } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { meQuery } from '../../session.ts';
import { trpc } from '../../trpc.ts';
import './filters.css';

/** The select filters History and Search share, in the order they are shown. */
export const FILTER_SELECTS = ['team', 'channel', 'agent', 'tag', 'disposition'] as const;
export type FilterSelect = (typeof FILTER_SELECTS)[number];
export type FilterValues = { [K in 'from' | 'to' | FilterSelect]?: string };

type Option = { id: string; name: string };
const option = (o: Option): Option => ({ id: o.id, name: o.name });

/** The options of every select filter, each loaded once and shared through the query cache. */
function useFilterChoices(): Record<FilterSelect, () => Option[]> {
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
  return {
    team: teams,
    channel: () => (channels.data ?? []).map(option),
    agent: () => (agents.data ?? []).map(option),
    tag: () => (tags.data ?? []).map(option),
    disposition: () => (dispositions.data ?? []).map(option),
  };
}

/**
 * The period and select filters of a form (History, Search): fields named as the URL keeps
 * them, ids `<idPrefix>-<name>`, labels from each screen's own catalogue keys.
 */
export function FilterFields(props: { idPrefix: string; labels: 'transcripts.filter' | 'search.filter'; values: FilterValues }) {
  const choices = useFilterChoices();
  return (
    <>
      <For each={['from', 'to'] as const}>
        {(name) => (
          <div class="field">
            <label for={`${props.idPrefix}-${name}`}>{t(`${props.labels}.${name}`)}</label>
            <input id={`${props.idPrefix}-${name}`} name={name} type="date" value={props.values[name] ?? ''} />
          </div>
        )}
      </For>
      <For each={FILTER_SELECTS}>
        {(name) => (
          <div class="field">
            <label for={`${props.idPrefix}-${name}`}>{t(`${props.labels}.${name}`)}</label>
            <select id={`${props.idPrefix}-${name}`} name={name}>
              <option value="">{t(`${props.labels}.any`)}</option>
              <For each={choices[name]()}>
                {(o) => (
                  <option value={o.id} selected={props.values[name] === o.id}>
                    {o.name}
                  </option>
                )}
              </For>
            </select>
          </div>
        )}
      </For>
    </>
  );
}

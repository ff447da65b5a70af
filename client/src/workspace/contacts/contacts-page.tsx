import { createEffect, createSignal, For, Match, on, onCleanup, Show, Switch } from 'solid-js';
import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { keepPreviousData, useQuery } from '@tanstack/solid-query';
import { Alert, Notice } from '../../components.tsx';
import { contactLabel } from '../../lib/contact.ts';
import { keys } from '../../lib/keys.ts';
import { t, useTitle } from '../../i18n.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import ContactForm from './contact-form.tsx';
import ContactPanel from './contact-panel.tsx';
import StartConversation from './start-conversation.tsx';
import { channelsQuery, type ContactSummary, settled } from './data.ts';
import './contacts.css';

const SEARCH_DELAY_MS = 250;

/**
 * Contacts (SPEC §4–5): the list of a channel (the shell's left rail opens /channels/<id>) or
 * the search by number (preferred) or name, the chosen contact on the right (fields, start a conversation, notes, history), and
 * the "add contact" form (`?new=1`, opened from the top menu).
 */
export default function ContactsPage() {
  useTitle('contacts.title');
  const params = useParams<{ contactId?: string; channelId?: string }>();
  const [search, setSearch] = useSearchParams<{ q?: string; contact?: string; new?: string }>();
  const navigate = useNavigate();
  const channels = useQuery(channelsQuery);
  const [typed, setTyped] = createSignal(search.q ?? '');
  const [query, setQuery] = createSignal(search.q ?? '');
  const [added, setAdded] = createSignal(false);

  // The list follows the typing, a moment later; the URL keeps it (back button, reload).
  createEffect(
    on(
      typed,
      (value) => {
        const timer = setTimeout(() => {
          setQuery(value.trim());
          setSearch({ q: value.trim() || undefined }, { replace: true });
        }, SEARCH_DELAY_MS);
        onCleanup(() => clearTimeout(timer));
      },
      { defer: true },
    ),
  );

  const channel = () => (params.channelId ? settled(channels)?.find((c) => c.id === params.channelId) : undefined);
  const selectedId = () => params.contactId ?? search.contact ?? null;
  const adding = () => search.new === '1';

  // Before any search, the most recently active contacts (of the channel, or all); then the search.
  const list = useQuery(() => ({
    queryKey: !query()
      ? keys.recentContacts(params.channelId ?? null)
      : params.channelId
        ? keys.channelContacts(params.channelId, query())
        : keys.contactSearch(query()),
    queryFn: (): Promise<ContactSummary[]> =>
      !query()
        ? trpc.contacts.recent.query({ channelId: params.channelId })
        : params.channelId
          ? trpc.contacts.byChannel.query({ channelId: params.channelId, query: query() })
          : trpc.contacts.search.query({ query: query() }),
    placeholderData: keepPreviousData,
  }));
  // A web chat channel's contacts have no number to search by.
  const webchat = () => channel()?.kind === 'webchat';

  const hrefOf = (id: string) => {
    const q = query() ? `q=${encodeURIComponent(query())}` : '';
    return params.channelId ? `/channels/${params.channelId}?contact=${id}${q ? `&${q}` : ''}` : `/contacts/${id}${q ? `?${q}` : ''}`;
  };
  const listTitle = () =>
    channel() ? t('contacts.rail.channel', { channel: channel()!.name }) : query() ? t('contacts.search.results') : t('contacts.recent');

  return (
    <main class="page contacts-page">
      <section class="contacts-list" aria-label={listTitle()}>
        <div class="ct-list-head">
          <h1>{channel()?.name ?? t('contacts.title')}</h1>
          <A class="ct-button primary ct-small" href="/contacts?new=1">
            {t('contacts.add')}
          </A>
        </div>
        <div class="field ct-search-field">
          <label for="contacts-search">{webchat() ? t('contacts.search.webchatLabel') : t('contacts.search.label')}</label>
          <input
            id="contacts-search"
            type="search"
            autocomplete="off"
            placeholder={webchat() ? t('contacts.search.webchatPlaceholder') : t('contacts.search.placeholder')}
            value={typed()}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </div>
        <Switch>
          <Match when={list.isError && !settled(list)}>
            <Alert message={errorMessage(list.error)} />
          </Match>
          <Match when={settled(list)?.length === 0}>
            <p class="muted ct-empty">
              {query() ? t('contacts.search.empty') : params.channelId ? t('contacts.channel.empty') : t('contacts.recent.empty')}
            </p>
          </Match>
          <Match when={settled(list)}>
            {(rows) => (
              <ul class="contact-rows" aria-label={listTitle()} aria-busy={list.isFetching}>
                <For each={rows()}>
                  {(c) => (
                    <li>
                      <A
                        href={hrefOf(c.id)}
                        class="contact-row"
                        classList={{ 'ct-selected': c.id === selectedId() }}
                        aria-current={c.id === selectedId() ? 'true' : undefined}
                      >
                        <span class="contact-name">{contactLabel(c)}</span>
                        <Show when={c.incomplete}>
                          <span class="ct-badge ct-warn">{t('contacts.incomplete')}</span>
                        </Show>
                        <span class="contact-sub">{c.whatsapp ? `+${c.whatsapp}` : (c.email ?? '')}</span>
                      </A>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Match>
        </Switch>
      </section>

      <section class="contacts-detail">
        <Notice message={added() ? t('contacts.added') : null} />
        <Switch fallback={<p class="muted ct-empty detail-empty">{t('contacts.detail.empty')}</p>}>
          <Match when={adding()}>
            <section class="card add-contact" aria-labelledby="add-contact-title">
              <h2 id="add-contact-title">{t('contacts.add.title')}</h2>
              <ContactForm
                onDone={(contact) => {
                  setAdded(true);
                  navigate(`/contacts/${contact.id}`);
                }}
                onCancel={() => navigate(-1)}
              />
            </section>
          </Match>
          <Match when={selectedId()} keyed>
            {(id) => (
              <ContactPanel contactId={id}>
                <StartConversation contactId={id} />
              </ContactPanel>
            )}
          </Match>
        </Switch>
      </section>
    </main>
  );
}

import { createSignal, createUniqueId, For, Match, Show, Switch, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { useQuery, useQueryClient } from '@tanstack/solid-query';
import { Alert, Notice } from '../../components.tsx';
import { contactLabel } from '../../lib/contact.ts';
import { keys } from '../../lib/keys.ts';
import { t, tValue } from '../../i18n.ts';
import { meQuery } from '../../session.ts';
import { callLink } from '../../lib/call.ts';
import { errorCode, errorMessage } from '../../trpc.ts';
import ContactForm from './contact-form.tsx';
// Yjs comes with this panel (itself only ever loaded lazily); CodeMirror comes later, with the first note shown.
import Notes from './notes.tsx';
import PrivacyActions from './privacy-actions.tsx';
import { contactQuery, mediaQuery, useTimeFormat, type ContactDetail, settled } from './data.ts';
import './contacts.css';

/** The contact panel: fields and edit, notes, gallery, history, other open sessions, click-to-call. */
export default function ContactPanel(props: { contactId: string; conversationId?: string; children?: JSX.Element }) {
  const contact = useQuery(() => contactQuery(props.contactId));
  const stale = () => contact.isError && errorCode(contact.error) === undefined && !!settled(contact);
  return (
    <section class="contact-panel" aria-label={t('contacts.panel.label')}>
      <Show when={stale()}>
        <p class="stale-mark" role="status">
          {t('contacts.stale')}
        </p>
      </Show>
      <Switch>
        <Match when={settled(contact)}>
          {(c) => (
            <>
              <ContactCard contact={c()} />
              {props.children}
              <OpenSessions contact={c()} conversationId={props.conversationId} />
              <Notes contactId={props.contactId} />
              <Gallery contactId={props.contactId} />
              <History contact={c()} />
              <PrivacyActions contactId={props.contactId} />
            </>
          )}
        </Match>
        <Match when={contact.isError}>
          <Alert message={errorMessage(contact.error)} />
        </Match>
        <Match when={contact.isPending}>
          <p class="muted">{t('contacts.detail.loading')}</p>
        </Match>
      </Switch>
    </section>
  );
}

function ContactCard(props: { contact: ContactDetail }) {
  const uid = createUniqueId();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const [editing, setEditing] = createSignal(false);
  const [saved, setSaved] = createSignal(false);
  const c = () => props.contact;
  const extension = () => settled(me)?.user.extension ?? null;
  const value = (v: string | null) => v || <span class="muted">{t('contacts.field.empty')}</span>;
  return (
    <section class="contact-card" aria-labelledby={`${uid}-name`}>
      <header class="contact-card-head">
        <h2 id={`${uid}-name`}>{contactLabel(c())}</h2>
        <Show when={c().incomplete}>
          <span class="ct-badge ct-warn" title={t('contacts.incomplete.hint')}>
            {t('contacts.incomplete')}
          </span>
        </Show>
        <Show when={!editing()}>
          <button
            type="button"
            class="secondary ct-small"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {t('contacts.edit')}
          </button>
        </Show>
      </header>
      <Show
        when={editing()}
        fallback={
          <>
            <dl class="contact-fields">
              {/* A web chat visitor lacks no number: shown only once someone fills it in. */}
              <Show when={c().whatsapp || !c().webchat}>
                <dt>{t('contacts.field.whatsapp')}</dt>
                <dd>{value(c().whatsapp)}</dd>
              </Show>
              <dt>{t('contacts.field.email')}</dt>
              <dd>{value(c().email)}</dd>
              <For each={Object.entries(c().fields ?? {})}>
                {([key, v]) => (
                  <>
                    <dt>{key}</dt>
                    <dd>{v}</dd>
                  </>
                )}
              </For>
            </dl>
            <Show when={c().whatsapp}>
              {(number) => (
                <p class="ct-call">
                  <a class="call-link" {...callLink(settled(me)?.organization.clickToCallUrl, number(), extension())}>
                    {t('contacts.call', { number: `+${number()}` })}
                  </a>{' '}
                  <span class="muted">
                    {extension() ? t('contacts.call.extension', { extension: extension()! }) : t('contacts.call.noExtension')}
                  </span>
                </p>
              )}
            </Show>
            <Notice message={saved() ? t('contacts.saved') : null} />
          </>
        }
      >
        <ContactForm
          contact={c()}
          onDone={(updated) => {
            queryClient.setQueryData(keys.contact(updated.id), (old: ContactDetail | undefined) => (old ? { ...old, ...updated } : old));
            setEditing(false);
            setSaved(true);
          }}
          onCancel={() => setEditing(false)}
        />
      </Show>
    </section>
  );
}

function OpenSessions(props: { contact: ContactDetail; conversationId?: string }) {
  const uid = createUniqueId();
  return (
    <section class="ct-section" aria-labelledby={`${uid}-t`}>
      <h3 id={`${uid}-t`}>{t('contacts.open.title')}</h3>
      <Show when={props.contact.openConversations.length > 0} fallback={<p class="muted ct-empty">{t('contacts.open.empty')}</p>}>
        <ul class="session-list">
          <For each={props.contact.openConversations}>
            {(s) => (
              <li classList={{ 'ct-current': s.id === props.conversationId }}>
                <span class="ct-badge" data-status={s.status}>
                  {tValue('contacts.status', s.status)}
                </span>
                <span class="ct-kind">{s.channel.name}</span>
                <Show when={s.team}>{(team) => <span class="muted">{team().name}</span>}</Show>
                <Show when={s.assignee}>{(a) => <span class="muted">{t('contacts.open.servedBy', { name: a().name })}</span>}</Show>
                <Show when={s.id !== props.conversationId} fallback={<span class="muted">{t('contacts.open.current')}</span>}>
                  <A href={`/conversations/${s.id}`} aria-label={t('contacts.open.open', { protocol: s.protocol })}>
                    {s.protocol}
                  </A>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

function History(props: { contact: ContactDetail }) {
  const format = useTimeFormat();
  return (
    <details class="ct-section" open={props.contact.history.length > 0 && props.contact.history.length <= 5}>
      <summary>
        <h3>{t('contacts.history.title')}</h3>
        <span class="ct-count">{props.contact.history.length}</span>
      </summary>
      <Show when={props.contact.history.length > 0} fallback={<p class="muted ct-empty">{t('contacts.history.empty')}</p>}>
        <ul class="history-list">
          <For each={props.contact.history}>
            {(h) => (
              <li>
                <A href={`/conversations/${h.id}`} aria-label={t('contacts.history.open', { protocol: h.protocol })}>
                  {h.protocol}
                </A>
                <span class="ct-kind">{h.channel.name}</span>
                <Show when={h.team}>{(team) => <span class="muted">{team().name}</span>}</Show>
                <span class="muted">{t('contacts.history.closedAt', { time: format(h.closedAt) })}</span>
                <Show when={h.closeReason}>{(r) => <span class="muted">{tValue('contacts.closeReason', r())}</span>}</Show>
                <Show when={h.assignee}>{(a) => <span class="muted">{t('contacts.history.servedBy', { name: a().name })}</span>}</Show>
                <Show when={h.disposition}>{(d) => <span class="ct-badge">{d().name}</span>}</Show>
                <Show when={h.rating !== null}>
                  <span class="muted">{t('contacts.history.rating', { rating: h.rating ?? 0 })}</span>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </details>
  );
}

function Gallery(props: { contactId: string }) {
  const media = useQuery(() => mediaQuery(props.contactId));
  const format = useTimeFormat();
  const count = () => settled(media)?.length ?? 0;
  return (
    <details class="ct-section" open={count() > 0}>
      <summary>
        <h3>{t('contacts.gallery.title')}</h3>
        <span class="ct-count">{count()}</span>
      </summary>
      <Switch>
        <Match when={media.isError && !settled(media)}>
          <Alert message={errorMessage(media.error)} />
        </Match>
        <Match when={count() > 0}>
          <ul class="ct-gallery">
            <For each={settled(media)}>
              {(m) => (
                <li>
                  <a
                    href={m.url}
                    target="_blank"
                    rel="noopener"
                    aria-label={t('contacts.gallery.open', { filename: m.filename, protocol: m.conversation.protocol })}
                    title={`${m.filename} · ${format(m.at)} · ${t(m.direction === 'in' ? 'contacts.gallery.in' : 'contacts.gallery.out')}`}
                  >
                    <Show
                      when={m.contentType.startsWith('image/')}
                      fallback={<span class="ct-file-icon">{m.filename.split('.').pop()?.toUpperCase() || m.kind}</span>}
                    >
                      <img src={m.url} alt="" loading="lazy" />
                    </Show>
                  </a>
                </li>
              )}
            </For>
          </ul>
        </Match>
        <Match when={media.isSuccess}>
          <p class="muted ct-empty">{t('contacts.gallery.empty')}</p>
        </Match>
      </Switch>
    </details>
  );
}

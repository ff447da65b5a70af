import { For, Show } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { Alert } from '../../components.tsx';
import { language, t, useTitle } from '../../i18n.ts';
import { contactLabel } from '../../lib/contact.ts';
import { formatDateTimeIn, timeZone } from '../../lib/format.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { outcomeOf } from './history-page.tsx';
import { transcriptExport } from './history-url.ts';
import { eventText, type Transcript } from './transcript-text.ts';
import './history.css';

/**
 * A conversation's transcript (`conversations.transcript`): its facts, every message, its files
 * and what happened. Printable (a print stylesheet hides the workspace around it) and
 * downloadable as text or PDF from the server (`/exports/transcripts/<id>.txt|.pdf`).
 */
export default function TranscriptPage() {
  useTitle('transcripts.title');
  const params = useParams<{ conversationId: string }>();
  const transcript = useQuery(() => ({
    queryKey: ['conversations.transcript', params.conversationId] as const,
    queryFn: () => trpc.conversations.transcript.query({ conversationId: params.conversationId }),
    staleTime: 30_000,
  }));
  return (
    <main class="page transcript-page">
      <p class="transcript-back">
        <A href="/history">← {t('transcripts.back')}</A>
      </p>
      <Alert message={transcript.isError ? errorMessage(transcript.error) : null} />
      <Show when={transcript.isPending}>
        <p class="muted" role="status">
          {t('common.loading')}
        </p>
      </Show>
      <Show when={transcript.data}>{(data) => <TranscriptView transcript={data()} />}</Show>
    </main>
  );
}

function TranscriptView(props: { transcript: Transcript }) {
  const tr = () => props.transcript;
  const when = (at: string | Date) => formatDateTimeIn(at as unknown as string, { language: language(), timeZone: timeZone() });
  const who = (m: Transcript['messages'][number]) =>
    m.direction === 'in' ? contactLabel(tr().contact) : m.isBot ? t('transcripts.bot') : (m.author?.name ?? '—');
  return (
    <article class="transcript" aria-labelledby="transcript-title">
      <header class="transcript-head">
        <h1 id="transcript-title">{t('transcripts.heading', { protocol: tr().protocol })}</h1>
        <div class="transcript-actions">
          <button type="button" class="secondary" onClick={() => window.print()}>
            {t('transcripts.print')}
          </button>
          <a class="button secondary" href={transcriptExport(tr().id, 'txt')} download="">
            {t('transcripts.exportText')}
          </a>
          <a class="button secondary" href={transcriptExport(tr().id, 'pdf')} download="">
            {t('transcripts.exportPdf')}
          </a>
        </div>
      </header>
      <dl class="transcript-facts">
        <dt>{t('transcripts.field.contact')}</dt>
        <dd>
          {[
            contactLabel(tr().contact),
            tr().contact.name.trim() && tr().contact.whatsapp ? `+${tr().contact.whatsapp}` : null,
            tr().contact.email,
          ]
            .filter(Boolean)
            .join(' · ')}
        </dd>
        <dt>{t('transcripts.field.channel')}</dt>
        <dd>{tr().channel.name}</dd>
        <dt>{t('transcripts.field.team')}</dt>
        <dd>{tr().team?.name ?? '—'}</dd>
        <dt>{t('transcripts.field.agent')}</dt>
        <dd>{tr().assignee?.name ?? '—'}</dd>
        <dt>{t('transcripts.field.opened')}</dt>
        <dd>{when(tr().createdAt)}</dd>
        <dt>{t('transcripts.field.closed')}</dt>
        <dd>{tr().closedAt ? when(tr().closedAt!) : t('transcripts.stillOpen')}</dd>
        <Show when={tr().closeReason}>
          <dt>{t('transcripts.field.outcome')}</dt>
          <dd>{outcomeOf(tr())}</dd>
        </Show>
        <Show when={tr().tags.length > 0}>
          <dt>{t('transcripts.field.tags')}</dt>
          <dd>
            {tr()
              .tags.map((g) => g.name)
              .join(', ')}
          </dd>
        </Show>
        <Show when={tr().rating !== null}>
          <dt>{t('transcripts.field.rating')}</dt>
          <dd>{t('transcripts.rating', { rating: tr().rating ?? 0 })}</dd>
        </Show>
        <Show when={tr().ratingComment}>
          <dt>{t('transcripts.field.ratingComment')}</dt>
          <dd>{tr().ratingComment}</dd>
        </Show>
        <Show when={tr().participants.length > 0}>
          <dt>{t('transcripts.field.participants')}</dt>
          <dd>
            {tr()
              .participants.map((p) => `${p.name} (${p.roles.map((r) => t(`transcripts.role.${r}`)).join(', ')})`)
              .join('; ')}
          </dd>
        </Show>
      </dl>

      <section aria-labelledby="transcript-messages">
        <h2 id="transcript-messages">{t('transcripts.messages')}</h2>
        <Show when={tr().messages.length > 0} fallback={<p class="muted">{t('transcripts.noMessages')}</p>}>
          <ol class="transcript-messages">
            <For each={tr().messages}>
              {(m) => (
                <li class="transcript-message" classList={{ outbound: m.direction === 'out' }}>
                  <span class="transcript-message-head">
                    <strong>{who(m)}</strong>
                    <time datetime={String(m.at)}>{when(m.at)}</time>
                  </span>
                  <Show when={m.text}>
                    <p class="transcript-text">{m.text}</p>
                  </Show>
                  <Show when={m.file}>{(f) => <a href={`/uploads/${f().id}`}>{t('transcripts.file', { name: f().name })}</a>}</Show>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>

      <section aria-labelledby="transcript-files">
        <h2 id="transcript-files">{t('transcripts.files')}</h2>
        <Show when={tr().files.length > 0} fallback={<p class="muted">{t('transcripts.noFiles')}</p>}>
          <ul class="transcript-files">
            <For each={tr().files}>
              {(f) => (
                <li>
                  <a href={`/uploads/${f.id}`}>{f.name}</a> <span class="muted">{when(f.at)}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>

      <section aria-labelledby="transcript-events">
        <h2 id="transcript-events">{t('transcripts.events')}</h2>
        <ol class="transcript-events">
          <For each={tr().events}>
            {(e) => (
              <li>
                <time datetime={String(e.at)}>{when(e.at)}</time> {eventText(e)}
              </li>
            )}
          </For>
        </ol>
      </section>
    </article>
  );
}

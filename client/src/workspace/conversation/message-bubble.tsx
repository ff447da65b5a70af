import { Show } from 'solid-js';
import { t, tValue } from '../../i18n.ts';
import type { OutboxItem } from '../../offline/outbox.ts';
import { fullTime, shortTime } from '../queue/format.ts';
import type { ConversationMessage } from '../queue/types.ts';
import { ClockIcon, PaperclipIcon } from './icons.tsx';
import { FormattedText } from '../../lib/formatted-text.tsx';

const IMAGE_KINDS = new Set(['image', 'sticker']);

/** Delivery marks of an outbound message (SPEC §10: queued → sending → sent → delivered → read, failed, unknown). */
function DeliveryMark(props: { message: ConversationMessage }) {
  const status = () => props.message.status;
  const icon = () =>
    (({ sending: '↑', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!', unknown: '?' }) as Record<string, string>)[status()] ?? '';
  return (
    <span class={`cv-mark mark-${status()}`}>
      <span aria-hidden="true">{status() === 'queued' ? <ClockIcon /> : icon()}</span> {tValue('conversation.delivery', status())}
      <Show when={status() === 'failed' && props.message.error}>
        {(e) => (
          <span class="cv-mark-error" role="note">
            {e().message}
          </span>
        )}
      </Show>
    </span>
  );
}

const kib = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** An image preview (by the file's type, or the message kind while the media is still being fetched), else a file link. */
function Attachment(props: { message: ConversationMessage }) {
  const file = () => props.message.attachment;
  const isImage = () => (file() ? file()!.contentType.startsWith('image/') : IMAGE_KINDS.has(props.message.kind));
  const label = () => {
    const f = file();
    return f
      ? t('conversation.file', { name: f.filename, size: kib(f.size) })
      : t('conversation.attachment', { kind: tValue('queue.kind', props.message.kind) });
  };
  return (
    <Show when={props.message.attachmentUrl}>
      {(url) => (
        <Show
          when={isImage()}
          fallback={
            <a class="cv-file" href={url()} target="_blank" rel="noopener">
              <PaperclipIcon /> {label()}
            </a>
          }
        >
          <a href={url()} target="_blank" rel="noopener" class="cv-image-link">
            <img class="cv-image" src={url()} alt={props.message.text || t('conversation.image')} loading="lazy" />
          </a>
        </Show>
      )}
    </Show>
  );
}

/** One message of the conversation; `highlighted` when opened at it (`?message=`). */
export function MessageBubble(props: { message: ConversationMessage; zone: string | undefined; highlighted: boolean }) {
  const m = props.message;
  return (
    <article
      class={`cv-msg ${m.direction === 'in' ? 'in' : 'out'}`}
      classList={{ bot: m.isBot, system: m.kind === 'system', highlighted: props.highlighted }}
      aria-current={props.highlighted ? 'true' : undefined}
      aria-label={
        m.direction === 'in'
          ? t('conversation.fromContact')
          : m.isBot
            ? t('conversation.fromBot')
            : t('conversation.fromAgent', { name: m.author?.name ?? '' })
      }
    >
      <Show when={m.direction === 'out'}>
        <header class="cv-author">
          {m.isBot ? t('conversation.bot') : m.author ? m.author.codename || m.author.name : t('conversation.system')}
        </header>
      </Show>
      <Show when={m.kind === 'template'}>
        <span class="cv-kind">{t('conversation.templateMessage')}</span>
      </Show>
      <Attachment message={m} />
      <Show when={m.text}>
        {/* What the customer typed, and the menu option it chose ("1 → Support"). */}
        <FormattedText class="cv-text" text={m.menuChoice ? `${m.text} → ${m.menuChoice}` : m.text} />
      </Show>
      <footer class="cv-foot">
        <time datetime={m.at} title={fullTime(m.at, props.zone)}>
          {shortTime(m.at, props.zone)}
        </time>
        <Show when={m.direction === 'out' && !m.isBot}>
          <DeliveryMark message={m} />
        </Show>
      </footer>
    </article>
  );
}

/** What this agent wrote that is still in the outbox, or a refused draft with the server's reason. */
export function OutboxBubble(props: { item: OutboxItem; onRetry: (item: OutboxItem) => void; onDiscard: (item: OutboxItem) => void }) {
  const item = props.item;
  return (
    <article class="cv-msg out pending" classList={{ draft: item.state === 'draft' }} aria-label={t('conversation.outboxItem')}>
      <Show when={item.attachmentId}>
        <span class="cv-file">
          <PaperclipIcon /> {t('conversation.attachmentPending')}
        </span>
      </Show>
      <Show when={item.text}>
        <FormattedText class="cv-text" text={item.text} />
      </Show>
      <footer class="cv-foot">
        <Show
          when={item.state === 'draft'}
          fallback={
            <span class="cv-mark mark-queued">
              <ClockIcon /> {t(item.state === 'sending' ? 'conversation.outboxSending' : 'conversation.outboxPending')}
            </span>
          }
        >
          <div class="cv-draft" role="alert">
            <span>{t('conversation.draftNotSent', { reason: item.error ?? '' })}</span>
            <span class="cv-draft-actions">
              <button type="button" class="secondary" onClick={() => props.onRetry(item)}>
                {t('conversation.retry')}
              </button>
              <button type="button" class="secondary" onClick={() => props.onDiscard(item)}>
                {t('conversation.discard')}
              </button>
            </span>
          </div>
        </Show>
      </footer>
    </article>
  );
}

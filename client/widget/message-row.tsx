import { createMemo, For, Index, Show } from 'solid-js';
import { FormattedText } from '../src/lib/formatted-text.tsx';
import type { ChannelProfile } from '../../shared/webchat-wire.ts';
import type { WebchatApi } from './api.ts';
import { Attachment } from './attachment.tsx';
import { formatTime } from './format.ts';
import { ClockIcon } from './icons.tsx';
import type { Item } from './items.ts';
import { parseMenu } from './menu.ts';
import { t } from './strings.ts';

export interface MessageRowProps {
  item: Item;
  last: boolean;
  read: boolean;
  /** Its conversation is finished: a rating request offers its star buttons. */
  rateable: boolean;
  profile: ChannelProfile | null;
  token: () => string | null;
  api: WebchatApi;
  onChoose: (key: string, label: string | null) => void;
  onRetry: (item: Item) => void;
}

/** One message of the log: the bot's "no one available" notice, or a bubble. */
export function MessageRow(props: MessageRowProps) {
  const notice = () => props.item.direction === 'out' && props.item.notice === 'noOneAvailable';
  return (
    <Show
      when={!notice()}
      fallback={
        <div class="w-notice">
          <ClockIcon />
          <div>
            <p class="w-notice-title">{t('widget.noOneAvailable')}</p>
            <p class="w-text">{props.item.text}</p>
          </div>
        </div>
      }
    >
      <Bubble {...props} />
    </Show>
  );
}

function Bubble(props: MessageRowProps) {
  const mine = () => props.item.direction === 'in';
  // Only the bot's latest question offers buttons; an old menu stays text.
  const menu = createMemo(() =>
    !mine() && props.item.isBot && props.last
      ? parseMenu(props.item.text, props.profile?.menu ?? null)
      : { text: props.item.text, options: [] },
  );
  const rating = () => !mine() && props.item.notice === 'ratingRequest';
  return (
    <div class={`w-msg ${mine() ? 'w-in' : 'w-out'}${props.item.isBot ? ' w-bot' : ''}`}>
      <Show when={!mine() && (props.item.author || props.item.isBot)}>
        <p class="w-author">{props.item.author ?? t('widget.automatic')}</p>
      </Show>
      <Show when={props.item.attachment}>
        {(a) => <Attachment file={a()} local={props.item.file ?? null} token={props.token} api={props.api} />}
      </Show>
      <Show when={rating()}>
        <p class="w-text">{t('widget.rate')}</p>
        <Show when={props.last && props.rateable}>
          <Stars onChoose={(n) => props.onChoose(String(n), null)} />
        </Show>
      </Show>
      <Show when={!rating() && (mine() ? (props.item.menuChoice ?? props.item.text) : menu().text)}>
        {(text) => <FormattedText class="w-text" text={text()} />}
      </Show>
      <Show when={menu().options.length > 0}>
        <fieldset class="w-options" aria-label={t('widget.options')}>
          {/* By position: the menu is parsed again when the channel's profile or a status
              arrives, and the same options must stay the same buttons (focus, a click under way). */}
          <Index each={menu().options}>
            {(o) => (
              <button type="button" onClick={() => props.onChoose(o().key, o().label)}>
                {o().label}
              </button>
            )}
          </Index>
        </fieldset>
      </Show>
      <Meta item={props.item} read={props.read} onRetry={props.onRetry} />
    </div>
  );
}

function Stars(props: { onChoose: (n: number) => void }) {
  return (
    <fieldset class="w-stars" aria-label={t('widget.rate')}>
      <For each={[1, 2, 3, 4, 5]}>
        {(n) => (
          <button type="button" aria-label={t('widget.stars', { n })} title={t('widget.stars', { n })} onClick={() => props.onChoose(n)}>
            ★
          </button>
        )}
      </For>
    </fieldset>
  );
}

/** Time, and for the visitor's own: sending, failed (with retry), delivered or read. */
function Meta(props: { item: Item; read: boolean; onRetry: (item: Item) => void }) {
  const state = () => (props.read ? t('widget.read') : t('widget.delivered'));
  return (
    <p class="w-meta">
      <Show when={!props.item.local}>
        <time datetime={props.item.at}>{formatTime(props.item.at)}</time>
      </Show>
      <Show when={props.item.direction === 'in'}>
        <Show when={props.item.local === 'pending'}>
          <span>{t('widget.pending')}</span>
        </Show>
        <Show when={props.item.local === 'failed'}>
          <span class="w-failed">{props.item.error ?? t('widget.failed')}</span>{' '}
          <button type="button" class="w-retry" onClick={() => props.onRetry(props.item)}>
            {t('widget.retry')}
          </button>
        </Show>
        <Show when={!props.item.local}>
          <span class={`w-mark${props.read ? ' w-mark-read' : ''}`} data-status={props.read ? 'read' : 'delivered'} title={state()}>
            <span aria-hidden="true">{props.read ? '✓✓' : '✓'}</span>
            <span class="w-sr">{state()}</span>
          </span>
        </Show>
      </Show>
    </p>
  );
}

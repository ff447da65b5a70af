import { Show } from 'solid-js';
import { t, tValue } from '../../i18n.ts';

/** The channel's kind as a small tag (WhatsApp, Web chat), its name on hover. */
export function ChannelTag(props: { channel: { kind: string; name: string } }) {
  return (
    <span class={`qp-channel ch-${props.channel.kind}`} title={props.channel.name}>
      {tValue('queue.channelKind', props.channel.kind)}
    </span>
  );
}

/** How many customer messages are unseen (nothing when none), read as a sentence. */
export function UnreadCount(props: { count: number }) {
  return (
    <Show when={props.count > 0}>
      <span class="qp-unread" role="img" aria-label={t('queue.unread', { count: props.count })}>
        {props.count > 99 ? '99+' : props.count}
      </span>
    </Show>
  );
}

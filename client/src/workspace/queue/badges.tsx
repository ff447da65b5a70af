import { Match, Show, Switch } from 'solid-js';
import { t, tValue } from '../../i18n.ts';
import { formatCountdown, formatDuration, timeZone } from '../../lib/format.ts';
import { offeredToMe, offerTimeLeft, type OfferLike } from './offers.ts';
import { slaState, slaTimeLeft, type PendingLike, type SlaLike } from './sla.ts';
import { shortTime } from './format.ts';

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

/**
 * Automatic routing's offer on a waiting row: "Assigned to you" and the time left to accept
 * (ticking with `now`), or "Offered to Ana" when it is a colleague's; nothing without an offer.
 * `compact` (a phone's row): the countdown alone, in the badge's colours ("Assigned to you"
 * stays for screen readers), and no colleague's badge (the row says it in its actions line).
 */
export function OfferBadge(props: { item: OfferLike; meId: string; now: number; compact?: boolean }) {
  return (
    <Switch>
      <Match when={offeredToMe(props.item, props.meId)}>
        <span classList={{ 'qp-badge': !props.compact, 'qp-offer': true, 'visually-hidden': !!props.compact }}>
          {t('queue.assignedToYou')}
        </span>
        <span class="qp-countdown" classList={{ 'qp-countdown-pill': !!props.compact }} role="timer" title={t('queue.offerTimeLeft')}>
          <span class="visually-hidden">{t('queue.offerTimeLeft')} </span>
          {formatCountdown(offerTimeLeft(props.item.offerExpiresAt, props.now))}
        </span>
      </Match>
      <Match when={!props.compact && props.item.offeredTo}>
        {(to) => <span class="qp-badge qp-offered">{t('queue.offeredTo', { name: to().name })}</span>}
      </Match>
    </Switch>
  );
}

/**
 * The service level running on a conversation, ticking with `now`: "Reply due in 4 min", "Reply
 * due soon (1:42)" under two minutes left (sla.ts), "Overdue" once missed; colour-coded (queue.css,
 * each pair at least 4.5:1), its kind and due time on hover. Nothing when no target runs.
 */
export function SlaBadge(props: { sla: SlaLike | null | undefined; now: number }) {
  return (
    <Show when={props.sla}>
      {(sla) => {
        const state = () => slaState(sla(), props.now);
        const left = () => slaTimeLeft(sla(), props.now);
        return (
          <span
            class={`qp-sla qp-sla-${state()}`}
            data-sla={state()}
            title={t(sla().kind === 'first' ? 'queue.sla.firstTitle' : 'queue.sla.nextTitle', {
              time: shortTime(sla().dueAt, timeZone(), props.now),
            })}
          >
            <Switch>
              <Match when={state() === 'overdue'}>{t('queue.sla.overdue')}</Match>
              <Match when={state() === 'soon'}>{t('queue.sla.dueSoon', { time: formatCountdown(left()) })}</Match>
              <Match when={true}>{t('queue.sla.dueIn', { time: formatDuration(left() / 1000) })}</Match>
            </Switch>
          </span>
        );
      }}
    </Show>
  );
}

/** Waiting on the customer: "Waiting for the customer", or "Snoozed until 14:30" (in the person's zone). */
export function pendingText(pending: PendingLike, zone: string | undefined): string {
  return pending.until ? t('queue.pendingUntil', { time: shortTime(pending.until, zone) }) : t('queue.pendingWaiting');
}

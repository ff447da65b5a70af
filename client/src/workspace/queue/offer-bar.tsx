import { Match, Switch } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { useQueryClient } from '@tanstack/solid-query';
import { t } from '../../i18n.ts';
import { useNow } from '../../lib/clock.ts';
import { formatCountdown } from '../../lib/format.ts';
import { claimConversation, claiming, declineOffer, declining } from './claim.ts';
import { offerTimeLeft } from './offers.ts';
import type { ConversationView } from './types.ts';
import './queue.css';

/**
 * The conversation header's line for automatic routing: offered to me, "Assigned to you",
 * the time left and Accept / Decline (outside the header's toolbar, so a phone shows them
 * folded too); offered to a colleague, who it is. Nothing without an offer.
 */
export default function OfferBar(props: { view: ConversationView }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const now = useNow();
  const v = () => props.view;
  const busy = () => claiming().has(v().id) || declining().has(v().id);
  const decline = async () => {
    const id = v().id;
    // Declined here: back to Waiting (it goes on to the next agent); a refusal stays to be read.
    if ((await declineOffer(queryClient, id)) && window.location.pathname === `/conversations/${id}`) navigate('/');
  };
  return (
    <Switch>
      <Match when={v().can.accept && v().status === 'waiting'}>
        <div class="qp-offer-bar">
          <span class="qp-badge qp-offer">{t('queue.assignedToYou')}</span>
          <span class="qp-countdown" role="timer" title={t('queue.offerTimeLeft')}>
            <span class="visually-hidden">{t('queue.offerTimeLeft')} </span>
            {formatCountdown(offerTimeLeft(v().offerExpiresAt, now()))}
          </span>
          <button
            type="button"
            class="primary"
            data-shortcut="claim"
            disabled={busy()}
            onClick={() => void claimConversation(queryClient, v().id, { from: 'conversation', accept: true })}
          >
            {t('queue.accept')}
          </button>
          <button type="button" class="qp-action" disabled={busy()} onClick={() => void decline()}>
            {t('queue.decline')}
          </button>
        </div>
      </Match>
      <Match when={v().status === 'waiting' && v().offeredTo}>
        {(to) => <p class="qp-offer-bar qp-offer-other">{t('conversation.offeredTo', { name: to().name })}</p>}
      </Match>
    </Switch>
  );
}

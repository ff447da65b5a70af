import { createSignal, For, Show } from 'solid-js';
import { ChannelTag, pendingText, SlaBadge } from '../queue/badges.tsx';
import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { t, tValue } from '../../i18n.ts';
import { callLink } from '../../lib/call.ts';
import { useNow } from '../../lib/clock.ts';
import { contactLabel } from '../../lib/contact.ts';
import { keys } from '../../lib/keys.ts';
import type { Me } from '../../session.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { claiming } from '../queue/claim.ts';
import { shortTime } from '../queue/format.ts';
import OfferBar from '../queue/offer-bar.tsx';
import type { ConversationView } from '../queue/types.ts';
import { PhoneIcon } from './icons.tsx';
import { usePendingActions } from './pending-actions.tsx';
import type { Person } from './people.ts';

/** Who else is here right now: "Bruno is viewing", "Bruno is typing…" (never stored). */
function Presence(props: { viewers: Person[]; typers: Person[]; meId: string }) {
  const typers = () => props.typers.filter((p) => p.id !== props.meId);
  const viewers = () => props.viewers.filter((p) => p.id !== props.meId && !typers().some((x) => x.id === p.id));
  const names = (list: Person[]) => list.map((p) => p.name).join(', ');
  return (
    <div class="cv-presence" aria-live="polite">
      <Show when={typers().length > 0}>
        <span class="cv-typing">
          {t(typers().length === 1 ? 'conversation.isTyping' : 'conversation.areTyping', { names: names(typers()) })}
        </span>
      </Show>
      <Show when={viewers().length > 0}>
        <span class="cv-viewing">
          {t(viewers().length === 1 ? 'conversation.isViewing' : 'conversation.areViewing', { names: names(viewers()) })}
        </span>
      </Show>
    </div>
  );
}

export interface HeaderActions {
  claim: () => void;
  transfer: () => void;
  invite: () => void;
  finish: () => void;
  tags: () => void;
  /** Opens "Snooze…" (waiting on the customer until a time). */
  snooze: () => void;
}

/**
 * Contact, channel, team, protocol, status, people, window, tags and the actions on it. On a
 * phone only the first line (and Claim, when peeking) shows: the facts, tags and other actions
 * open under "Details and actions", so the messages and the composer keep the screen.
 */
export default function ConversationHeader(props: {
  view: ConversationView;
  me: Me;
  zone: string | undefined;
  viewers: Person[];
  typers: Person[];
  actions: HeaderActions;
  onLeft: () => void;
}) {
  const queryClient = useQueryClient();
  const v = () => props.view;
  const meId = () => props.me.user.id;
  const isParticipant = () => v().participants.some((p) => p.id === meId());
  const [leaveError, setLeaveError] = createSignal<string | null>(null);
  const leave = useMutation(() => ({
    mutationFn: () => trpc.conversations.leave.mutate({ conversationId: v().id }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.mine });
      void queryClient.invalidateQueries({ queryKey: keys.conversation(v().id) });
      props.onLeft();
    },
    onError: (e) => setLeaveError(errorMessage(e)),
  }));
  const windowText = () => {
    const w = v().window;
    if (v().channel.kind !== 'whatsapp') return null;
    if (w.open)
      return w.closesAt ? t('conversation.windowOpenUntil', { time: shortTime(w.closesAt, props.zone) }) : t('conversation.windowOpen');
    // The same reason the composer and the server give: a template went out after the customer's last message.
    if (w.reason === 'awaiting_reply') return t('conversation.windowAwaitingReply');
    return w.closedAt ? t('conversation.windowClosedAt', { time: shortTime(w.closedAt, props.zone) }) : t('conversation.windowNeverOpened');
  };
  const now = useNow();
  const pending = usePendingActions(v);
  // Waiting on the customer is for the one serving it (and admins): the server's rule, conversations.setPending.
  const mayPend = () => v().can.manage && v().status === 'active';
  const phone = () => v().contact.whatsapp;
  const [expanded, setExpanded] = createSignal(false);
  const detailsId = `cv-details-${v().id}`;

  return (
    <header class="cv-header" classList={{ expanded: expanded() }}>
      <div class="cv-title">
        <h1>{contactLabel(v().contact)}</h1>
        <ChannelTag channel={v().channel} />
        <span class={`cv-status st-${v().status}`}>{tValue('conversation.status', v().status)}</span>
        <Show when={v().pending}>{(p) => <span class="qp-pending-note">{pendingText(p(), props.zone)}</span>}</Show>
        <SlaBadge sla={v().sla} now={now()} />
        <Show when={!v().can.write && v().status !== 'closed'}>
          <span class="cv-peek">{t('conversation.peeking')}</span>
        </Show>
        <Presence viewers={props.viewers} typers={props.typers} meId={meId()} />
        <button
          type="button"
          class="cv-details-toggle"
          aria-expanded={expanded()}
          aria-controls={detailsId}
          title={t('conversation.details')}
          onClick={() => setExpanded(!expanded())}
        >
          <span aria-hidden="true">⋯</span>
          <span class="visually-hidden">{t('conversation.details')}</span>
        </button>
      </div>
      {/* Automatic routing: Accept / Decline of an offer to me, or who it is offered to (phones too). */}
      <OfferBar view={v()} />
      <div class="cv-details" id={detailsId}>
        <dl class="cv-facts">
          <div>
            <dt>{t('conversation.protocol')}</dt>
            <dd class="cv-protocol">{v().protocol}</dd>
          </div>
          <div>
            <dt>{t('conversation.channel')}</dt>
            <dd>{v().channel.name}</dd>
          </div>
          <div>
            <dt>{t('conversation.team')}</dt>
            <dd>{v().team?.name ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('conversation.assignee')}</dt>
            <dd>{v().assignee?.name ?? (v().targetUser ? t('conversation.targetedTo', { name: v().targetUser!.name }) : '—')}</dd>
          </div>
          <Show when={v().participants.length > 0}>
            <div>
              <dt>{t('conversation.participants')}</dt>
              <dd>
                {v()
                  .participants.map((p) => p.name)
                  .join(', ')}
              </dd>
            </div>
          </Show>
          <Show when={windowText()}>
            <div>
              <dt>{t('conversation.window')}</dt>
              <dd class={v().window.open ? 'cv-window-open' : 'cv-window-closed'}>{windowText()}</dd>
            </div>
          </Show>
        </dl>
        <div class="cv-tags-line">
          <ul class="cv-tags" aria-label={t('conversation.tags')}>
            <For each={v().tags}>
              {(tag) => (
                <li class="cv-tag" style={{ '--tag': tag.color }}>
                  {tag.name}
                </li>
              )}
            </For>
          </ul>
          <Show when={v().can.manage && v().status === 'active' && v().team?.tagsAllowed !== false}>
            <button type="button" class="cv-link-button" onClick={() => props.actions.tags()}>
              {t('conversation.editTags')}
            </button>
          </Show>
        </div>
      </div>
      <div class="cv-actions" role="toolbar" aria-label={t('conversation.actions')}>
        {/* Offered to me: the offer line's Accept takes it (with the time left and Decline). */}
        <Show when={v().can.claim && !v().can.accept}>
          <button
            type="button"
            class="primary"
            data-shortcut="claim"
            disabled={claiming().has(v().id)}
            onClick={() => props.actions.claim()}
          >
            {claiming().has(v().id) ? t('conversation.claiming') : t('conversation.claim')}
          </button>
        </Show>
        <Show when={phone()}>
          <a
            class="cv-action"
            {...callLink(props.me.organization.clickToCallUrl, phone()!, props.me.user.extension)}
            title={
              props.me.user.extension
                ? t('conversation.callWithExtension', { extension: props.me.user.extension })
                : t('conversation.callNoExtension')
            }
          >
            <PhoneIcon /> {t('conversation.call', { number: `+${phone()}` })}
          </a>
          <Show when={props.me.user.extension}>
            <span class="muted cv-extension">{t('conversation.yourExtension', { extension: props.me.user.extension! })}</span>
          </Show>
        </Show>
        <Show when={v().can.manage}>
          <button type="button" class="cv-action" onClick={() => props.actions.transfer()}>
            {t('conversation.transfer')}
          </button>
        </Show>
        <Show when={v().can.manage && v().status === 'active'}>
          <button type="button" class="cv-action" onClick={() => props.actions.invite()}>
            {t('conversation.invite')}
          </button>
          <button type="button" class="cv-action danger" data-shortcut="finish" onClick={() => props.actions.finish()}>
            {t('conversation.finish')}
          </button>
        </Show>
        <Show when={mayPend()}>
          <Show
            when={v().pending}
            fallback={
              <button type="button" class="cv-action" disabled={pending.busy()} onClick={() => pending.wait()}>
                {t('conversation.waitForCustomer')}
              </button>
            }
          >
            <button type="button" class="cv-action" disabled={pending.busy()} onClick={() => pending.resume()}>
              {t('conversation.resume')}
            </button>
          </Show>
          <button type="button" class="cv-action" aria-haspopup="dialog" onClick={() => props.actions.snooze()}>
            {t('conversation.snooze')}
          </button>
        </Show>
        <Show when={isParticipant() && v().status === 'active'}>
          <button type="button" class="cv-action" disabled={leave.isPending} onClick={() => leave.mutate()}>
            {t('conversation.leave')}
          </button>
        </Show>
      </div>
      <Show when={pending.error()}>
        <p class="alert" role="alert">
          {pending.error()}
        </p>
      </Show>
      <Show when={leaveError()}>
        <p class="alert" role="alert">
          {leaveError()}
        </p>
      </Show>
    </header>
  );
}

import { createEffect, createMemo, createSignal, Match, Show, Switch } from 'solid-js';
import { useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { useQuery, useQueryClient } from '@tanstack/solid-query';
import { t } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { discardDraft, retryDraft, useOutbox } from '../../offline/outbox.ts';
import { meQuery } from '../../session.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { claimConversation, claimRefusal, dismissClaimRefusal } from '../queue/claim.ts';
import { timeZoneOf } from '../../lib/format.ts';
import { contactLabel } from '../../lib/contact.ts';
import { useScreenTitle } from '../../lib/title.ts';
import Composer from './composer.tsx';
import ConversationList, { useListShown } from './conversation-list.tsx';
import ConversationHeader from './conversation-header.tsx';
import { FinishDialog, InviteDialog, TagsDialog } from './dialogs.tsx';
import MessageList from './message-list.tsx';
import { useMessageHistory } from './message-history.ts';
import { SnoozeDialog } from './pending-actions.tsx';
import { useLazyAwareness } from './awareness.ts';
import { saveDraft } from './drafts.ts';
import { useReadMark } from './read-mark.ts';
import SidePanel from './side-panel.tsx';
import TransferDialog from './transfer-dialog.tsx';
import './conversation.css';
import '../queue/queue.css';

const conversationQuery = (id: string) => ({
  queryKey: keys.conversation(id),
  queryFn: () => trpc.conversations.get.query({ conversationId: id }),
});

/**
 * `/conversations/:id` — a fresh screen per conversation (no dialog carried over; what was
 * typed is kept per conversation, drafts.ts), and on wide screens the list of conversations
 * beside it, which stays as the agent switches between them.
 */
export default function ConversationPage() {
  const params = useParams<{ id: string }>();
  const listed = useListShown();
  return (
    <div class="cv-frame" classList={{ listed: listed() }}>
      <Show when={listed()}>
        <ConversationList activeId={params.id} />
      </Show>
      <Show when={params.id} keyed>
        {(id) => <ConversationScreen id={id} />}
      </Show>
    </div>
  );
}

/** One conversation: header, messages, composer, and the contact / colleagues panel. Read-only when peeking. */
function ConversationScreen(props: { id: string }) {
  const params = {
    get id() {
      return props.id;
    },
  };
  const [search] = useSearchParams<{ template?: string; message?: string }>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const conversation = useQuery(() => conversationQuery(params.id));
  const outbox = useOutbox(() => params.id);
  // The newest page comes with the conversation; older pages as the agent scrolls up (or `?message=`).
  const history = useMessageHistory(
    () => params.id,
    () => conversation.data,
    () => search.message,
  );
  const [dialog, setDialog] = createSignal<'transfer' | 'invite' | 'finish' | 'tags' | 'snooze' | null>(null);
  const awareness = useLazyAwareness(() => params.id);
  useScreenTitle(() => (conversation.data ? contactLabel(conversation.data.contact) : t('common.loading')));
  useReadMark(
    () => params.id,
    () => conversation.data?.messages.at(-1)?.seq ?? null,
  );
  // A finished conversation takes no more text: what was left unsent in it is forgotten.
  createEffect(() => {
    if (conversation.data?.status === 'closed' && me.data) saveDraft(me.data.user.id, params.id, { text: '', attachments: [] });
  });

  const zone = () => timeZoneOf(me.data);
  // Outbox copies leave once the server's list has the message (matched by clientMessageId).
  const pending = createMemo(() => {
    const sent = new Set((conversation.data?.messages ?? []).map((m) => m.clientMessageId).filter(Boolean));
    return outbox().filter((i) => !sent.has(i.clientMessageId));
  });
  const userId = () => me.data?.user.id ?? '';

  return (
    <main class="cv">
      <Switch>
        <Match when={conversation.data && me.data}>
          <section class="cv-main">
            <ConversationHeader
              view={conversation.data!}
              me={me.data!}
              zone={zone()}
              viewers={awareness.viewers()}
              typers={awareness.typers()}
              onLeft={() => navigate('/in-service')}
              actions={{
                claim: () => void claimConversation(queryClient, params.id, { from: 'conversation' }),
                transfer: () => setDialog('transfer'),
                invite: () => setDialog('invite'),
                finish: () => setDialog('finish'),
                tags: () => setDialog('tags'),
                snooze: () => setDialog('snooze'),
              }}
            />
            <Show when={claimRefusal()?.conversationId === params.id}>
              <div class="alert qp-refusal" role="alert">
                <span>{claimRefusal()!.message}</span>
                <button type="button" class="secondary" onClick={dismissClaimRefusal}>
                  {t('queue.dismiss')}
                </button>
              </div>
            </Show>
            <Show when={conversation.isError}>
              <p class="notice" role="status">
                {t('conversation.stale')}
              </p>
            </Show>
            <Show when={history.jumpError()}>
              {(why) => (
                <p class="alert" role="alert">
                  {why()}
                </p>
              )}
            </Show>
            <MessageList
              messages={history.messages()}
              hasOlder={history.hasOlder()}
              loadingOlder={history.loading()}
              olderProblem={history.problem()}
              onLoadOlder={() => void history.loadOlder()}
              target={history.target()}
              outbox={pending()}
              zone={zone()}
              onRetry={(item) => void retryDraft(userId(), item.clientMessageId)}
              onDiscard={(item) => void discardDraft(userId(), item.clientMessageId)}
            />
            <Show
              when={conversation.data!.status !== 'closed'}
              fallback={
                <p class="cv-why" role="status">
                  {t('conversation.why.closed')}
                </p>
              }
            >
              <Composer
                view={conversation.data!}
                userId={userId()}
                zone={zone()}
                openTemplates={search.template === '1'}
                setTyping={awareness.setTyping}
              />
            </Show>
          </section>
          <SidePanel view={conversation.data!} />
          <Switch>
            <Match when={dialog() === 'transfer'}>
              <TransferDialog
                conversationId={params.id}
                currentTeamId={conversation.data!.team?.id ?? null}
                onClose={() => setDialog(null)}
                onDone={() => navigate(conversation.data?.status === 'waiting' ? '/' : '/in-service')}
              />
            </Match>
            <Match when={dialog() === 'invite'}>
              <InviteDialog view={conversation.data!} onClose={() => setDialog(null)} />
            </Match>
            <Match when={dialog() === 'finish'}>
              <FinishDialog view={conversation.data!} onClose={() => setDialog(null)} onDone={() => navigate('/in-service')} />
            </Match>
            <Match when={dialog() === 'tags'}>
              <TagsDialog view={conversation.data!} onClose={() => setDialog(null)} />
            </Match>
            <Match when={dialog() === 'snooze'}>
              <SnoozeDialog view={conversation.data!} zone={zone()} onClose={() => setDialog(null)} />
            </Match>
          </Switch>
        </Match>
        <Match when={conversation.isError && !conversation.data}>
          <p class="alert" role="alert">
            {errorMessage(conversation.error)}
          </p>
        </Match>
        <Match when={true}>
          <p class="loading">{t('common.loading')}</p>
        </Match>
      </Switch>
    </main>
  );
}

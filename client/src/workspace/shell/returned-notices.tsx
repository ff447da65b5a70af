import { createSignal, For, onCleanup } from 'solid-js';
import type { QueryClient } from '@tanstack/solid-query';
import { useQueryClient } from '@tanstack/solid-query';
import { t, tValue } from '../../i18n.ts';
import { contactLabel, type ContactLike } from '../../lib/contact.ts';
import { keys } from '../../lib/keys.ts';
import { onLiveEvent } from '../../lib/live-events.ts';
import { trpc } from '../../trpc.ts';
import './notices.css';

interface Notice {
  key: string;
  contact: ContactLike;
  reason: string;
}

/** At most this many at once: the oldest gives way to a new one. */
const KEPT = 3;

/**
 * Who the returned conversation was with, from what this tab already has (In service — the
 * event comes before the row leaves it —, the conversation, Waiting), else from the server.
 */
async function contactOf(queryClient: QueryClient, conversationId: string, contactId: string): Promise<ContactLike> {
  type Row = { id: string; contact: ContactLike };
  const cached =
    queryClient.getQueryData<Row[]>(keys.mine)?.find((r) => r.id === conversationId)?.contact ??
    queryClient.getQueryData<{ contact: ContactLike }>(keys.conversation(conversationId))?.contact ??
    queryClient
      .getQueriesData<Row[]>({ queryKey: keys.queue })
      .flatMap(([, rows]) => rows ?? [])
      .find((r) => r.id === conversationId)?.contact;
  if (cached) return cached;
  const view = await trpc.conversations.get.query({ conversationId }).catch(() => null);
  return view?.contact ?? { id: contactId };
}

/**
 * "Conversation with Maria went back to the queue: …" when the floor returns a conversation I
 * was serving (`conversation.returned`: no answer, no device, or back from pending while I was
 * not available). Polite (a status region, not an alert), kept until dismissed: the agent may
 * be typing elsewhere when it comes.
 */
export function ReturnedNotices(props: { userId: string }) {
  const queryClient = useQueryClient();
  const [notices, setNotices] = createSignal<Notice[]>([]);
  const stop = onLiveEvent((event) => {
    if (event.type !== 'conversation.returned' || event.userId !== props.userId) return;
    const key = `${event.conversationId}:${Date.now()}`;
    void contactOf(queryClient, event.conversationId, event.contactId).then((contact) =>
      setNotices((list) => [...list, { key, contact, reason: event.reason }].slice(-KEPT)),
    );
  });
  onCleanup(stop);
  const dismiss = (key: string) => setNotices((list) => list.filter((n) => n.key !== key));
  return (
    <div class="shell-notices" role="status" aria-label={t('queue.returned.label')}>
      <For each={notices()}>
        {(n) => (
          <div class="shell-notice">
            <span>{t('queue.returned.notice', { contact: contactLabel(n.contact), reason: tValue('queue.returned', n.reason) })}</span>
            <button type="button" class="link-button" onClick={() => dismiss(n.key)}>
              {t('shell.dismiss')}
            </button>
          </div>
        )}
      </For>
    </div>
  );
}

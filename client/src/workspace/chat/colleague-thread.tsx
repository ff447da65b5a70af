import { createMemo, Show } from 'solid-js';
import { useQuery } from '@tanstack/solid-query';
import { t } from '../../i18n.ts';
import { meQuery } from '../../session.ts';
import { useSharedDoc } from '../../lib/ydoc.ts';
import { docName } from '../../../../sync/shared/doc-name.ts';
import { useAgentNames } from './agents-query.ts';
import { useDocAwareness, type Person } from './awareness.ts';
import { MessageThread, SyncNote, useThreadMessages } from './message-thread.tsx';
import './chat.css';

/**
 * The colleague thread of a conversation (SPEC §6): a private thread between the serving agent
 * and invited colleagues in the `conversation:<id>` document's `messages` — never sent to the
 * customer. A peeking team member reads it only (the server drops their edits, so it is shown
 * read-only to them: `canWrite` comes from the conversation view's `can.write`).
 */
export default function ColleagueThread(props: { conversationId: string; canWrite: boolean }) {
  const me = useQuery(meQuery);
  const person = createMemo<Person | null>(() => (me.data ? { id: me.data.user.id, name: me.data.user.name } : null));
  const shared = useSharedDoc(
    () => me.data?.user.id,
    () => (props.conversationId ? docName.conversation(props.conversationId) : null),
  );
  const names = useAgentNames();
  const messages = useThreadMessages(shared);
  // The thread's typing indicator; "viewing" is announced by the conversation page itself.
  const awareness = useDocAwareness(shared, person, names, { viewing: true });
  const nameOf = (id: string) => names().get(id) ?? t('chat.someone');

  return (
    <section class="colleague-thread" aria-labelledby={`thread-title-${props.conversationId}`}>
      <header class="colleague-thread-head">
        <h2 id={`thread-title-${props.conversationId}`}>{t('chat.threadHeading')}</h2>
        <p class="colleague-thread-hint">
          <span class="lock" aria-hidden="true" />
          {t('chat.threadHint')}
        </p>
      </header>
      <SyncNote shared={shared} />
      <Show when={!props.canWrite}>
        <p class="colleague-thread-readonly" role="note">
          {t('chat.threadReadOnly')}
        </p>
      </Show>
      <Show when={person()}>
        {(p) => (
          <MessageThread
            shared={shared}
            me={p()}
            canWrite={props.canWrite && shared()?.status() !== 'refused'}
            nameOf={nameOf}
            inputLabel={t('chat.threadInput')}
            placeholder={t('chat.threadPlaceholder')}
            empty={t('chat.threadEmpty')}
            typers={awareness.typers}
            onTyping={(on) => awareness.setTyping(on)}
            messages={messages}
            allowDelete
          />
        )}
      </Show>
    </section>
  );
}

import { Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { useConversationAwareness } from './conversation-awareness.ts';
import { joinNames, type Person } from './awareness.ts';
import './chat.css';

const names = (people: Person[]) => joinNames(people.map((p) => p.name), (first, last) => t('chat.and', { first, last }));

/** "Bruno is viewing" / "Bruno is typing…" for the conversation page's header (a polite live region). */
export default function ConversationPresence(props: { conversationId: string }) {
  const awareness = useConversationAwareness(() => props.conversationId);
  // Someone typing is said once, as typing (it implies viewing).
  const viewingOnly = () => {
    const typing = new Set(awareness.typers().map((p) => p.id));
    return awareness.viewers().filter((p) => !typing.has(p.id));
  };
  return (
    <div class="conv-presence" role="status" aria-live="polite" aria-label={t('chat.presenceLabel')}>
      <Show when={awareness.typers().length > 0}>
        <span class="conv-presence-item typing">
          <TypingDots />
          {awareness.typers().length === 1 ? t('chat.typingOne', { name: names(awareness.typers()) }) : t('chat.typingMany', { names: names(awareness.typers()) })}
        </span>
      </Show>
      <Show when={viewingOnly().length > 0}>
        <span class="conv-presence-item viewing">
          <span class="conv-presence-eye" aria-hidden="true" />
          {viewingOnly().length === 1 ? t('chat.viewingOne', { name: names(viewingOnly()) }) : t('chat.viewingMany', { names: names(viewingOnly()) })}
        </span>
      </Show>
    </div>
  );
}

export function TypingDots() {
  return (
    <span class="typing-dots" aria-hidden="true">
      <span />
      <span />
      <span />
    </span>
  );
}

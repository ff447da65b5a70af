import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { watchFileArrivals } from '../src/workspace/conversation/file-arrivals.ts';
import { host } from './api.ts';
import { Composer } from './composer.tsx';
import { Header } from './header.tsx';
import { MessageLog } from './message-log.tsx';
import { t } from './strings.ts';
import { useChat } from './use-chat.ts';

/*
 * The customer's web chat (served at /widget?channel=…, usually in a frame of the organization's
 * site). The visitor's language (strings.ts): the first of the browser's languages the
 * catalogue has (pt-BR, en, es). A browser asking only for one it lacks gets its next
 * preference, and the catalogue's default (pt-BR) at last.
 */
export function App() {
  let rootEl!: HTMLDivElement;
  let textEl: HTMLTextAreaElement | undefined;
  const focusText = () => textEl?.focus();
  const chat = useChat(focusText);
  const [files, setFiles] = createSignal<File[]>([]);
  const [dragging, setDragging] = createSignal(false);

  /** Files from the attach button, a paste or a drop: attached, sent with the next Send. */
  const addFiles = (list: readonly File[]) => {
    if (chat.unavailable() || list.length === 0) return;
    setFiles((current) => [...current, ...list]);
    focusText();
  };
  onMount(() => {
    focusText();
    onCleanup(watchFileArrivals(rootEl, { accepts: () => !chat.unavailable(), dragging: setDragging, files: addFiles }));
  });

  return (
    <div class={`w-root${host.embedded ? '' : ' w-page'}`} ref={rootEl}>
      <div class="w-dropzone" classList={{ 'w-on': dragging() }} role="status">
        <Show when={dragging()}>
          <span>{t('widget.dropHere')}</span>
        </Show>
      </div>
      <Header orgName={chat.profile()?.organization.name ?? ''} conversation={chat.conversation()} />
      <Show when={chat.session() && !chat.connected()}>
        <p class="w-banner" role="status">
          {t('widget.reconnecting')}
        </p>
      </Show>
      <MessageLog
        chat={chat}
        onChoose={(key, label) => {
          chat.submit(key, null, label);
          // The buttons go away with the choice: keep the keyboard in the message box.
          focusText();
        }}
      />
      <Show when={chat.error()}>
        <p class="w-error" role="alert">
          {chat.error()}
        </p>
      </Show>
      <Composer chat={chat} files={files()} setFiles={setFiles} addFiles={addFiles} textRef={(el) => (textEl = el)} focusText={focusText} />
    </div>
  );
}

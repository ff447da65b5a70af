import { createSignal, For, Show, type Setter } from 'solid-js';
import { formatSize } from './format.ts';
import { AttachIcon, FileIcon, SendIcon } from './icons.tsx';
import { t } from './strings.ts';
import type { Chat } from './use-chat.ts';

const ACCEPT = 'image/*,audio/*,video/*,.pdf,.txt,.csv,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.zip';

/**
 * The visitor's message box: their name before the first message, the files attached (from
 * the button, a paste or a drop), the text, Send (Enter; Shift+Enter for a new line).
 */
export function Composer(props: {
  chat: Chat;
  files: File[];
  setFiles: Setter<File[]>;
  addFiles: (list: readonly File[]) => void;
  textRef: (el: HTMLTextAreaElement) => void;
  focusText: () => void;
}) {
  const [draft, setDraft] = createSignal('');
  let fileInput: HTMLInputElement | undefined;
  const onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    // One message per file (the text goes with the first), each through the same upload.
    const [first = null, ...rest] = props.files;
    props.chat.submit(draft(), first);
    for (const more of rest) props.chat.submit('', more);
    setDraft('');
    props.setFiles([]);
    props.focusText();
  };
  return (
    <form class="w-composer" onSubmit={onSubmit}>
      <Show when={!props.chat.session() && !props.chat.unavailable()}>
        <label class="w-name">
          <span>{t('widget.name')}</span>
          <input
            name="name"
            autocomplete="name"
            maxlength={120}
            value={props.chat.name()}
            onInput={(e) => props.chat.setName(e.currentTarget.value)}
          />
        </label>
      </Show>
      <For each={props.files}>{(f) => <FileChip file={f} onRemove={() => props.setFiles((list) => list.filter((x) => x !== f))} />}</For>
      <div class="w-row">
        <button
          type="button"
          class="w-attach"
          aria-label={t('widget.attach')}
          title={t('widget.attach')}
          disabled={props.chat.unavailable()}
          onClick={() => fileInput?.click()}
        >
          <AttachIcon />
        </button>
        {/* Not shown (display: none), so out of the tab order and the accessibility tree: the button above opens it. */}
        <input
          type="file"
          class="w-hidden"
          accept={ACCEPT}
          multiple
          ref={fileInput}
          onChange={(e) => {
            const picked = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = '';
            props.addFiles(picked);
          }}
        />
        <label class="w-sr" for="w-text">
          {t('widget.message')}
        </label>
        <textarea
          id="w-text"
          name="message"
          rows={1}
          maxlength={4096}
          placeholder={t('widget.placeholder')}
          value={draft()}
          disabled={props.chat.unavailable()}
          ref={props.textRef}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <button type="submit" class="w-send" aria-label={t('widget.send')} title={t('widget.send')} disabled={props.chat.unavailable()}>
          <SendIcon />
          <span class="w-send-label">{t('widget.send')}</span>
        </button>
      </div>
    </form>
  );
}

function FileChip(props: { file: File; onRemove: () => void }) {
  return (
    <div class="w-chip">
      <FileIcon />
      <span>{props.file.name}</span>
      <small>{formatSize(props.file.size)}</small>
      <button
        type="button"
        aria-label={t('widget.removeFile', { name: props.file.name })}
        title={t('widget.removeFile', { name: props.file.name })}
        onClick={() => props.onRemove()}
      >
        ×
      </button>
    </div>
  );
}

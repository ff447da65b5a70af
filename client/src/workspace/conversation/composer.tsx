import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { watchFileArrivals } from './file-arrivals.ts';
import { PaperclipIcon } from './icons.tsx';
import TemplatePicker from './template-picker.tsx';
import { useComposer, type ComposerProps } from './use-composer.ts';

type Composing = ReturnType<typeof useComposer>;

/**
 * Writes to the customer: free text and attachments through the offline outbox (sent once,
 * in order, kept as a draft with the server's reason if refused), canned responses with `/`,
 * and templates when WhatsApp's window is closed — saying why free text is not possible.
 * Files come from the attach button, a paste or a drop on the conversation, all through
 * `addFiles` (the same checks, upload and sentences); each file is a message of its own,
 * the text going with the first.
 *
 * A canned response chosen with `/` is not sent: its text (variables filled by the server,
 * `conversations.fillCanned`) and its files fill the composer, for the agent to read and edit;
 * Enter then sends them like anything typed.
 */
export default function Composer(props: ComposerProps) {
  let section!: HTMLElement;
  // Only there while the agent may write; a paste or a drop can happen without it.
  let box: HTMLTextAreaElement | undefined;
  const c = useComposer(props, () => box);
  const [dragging, setDragging] = createSignal(false);
  const [showTemplates, setShowTemplates] = createSignal(!!props.openTemplates);

  onMount(() => {
    // Drops land anywhere on the conversation (messages, header, composer); pastes in it.
    const area = section.closest<HTMLElement>('.cv-main') ?? section;
    const stop = watchFileArrivals(area, {
      accepts: () => c.state().allowed,
      dragging: setDragging,
      files: (list) => void c.addFiles(list),
    });
    onCleanup(stop);
  });

  return (
    <section class="cv-composer" aria-label={t('conversation.composer')} ref={section}>
      <div class="cv-dropzone" classList={{ on: dragging() }} role="status">
        <Show when={dragging()}>
          <span class="cv-dropzone-text">
            <PaperclipIcon /> {t('conversation.dropHere')}
          </span>
        </Show>
      </div>
      <Show when={!c.state().allowed}>
        <p class="cv-why" role="status">
          {c.why()}
        </p>
      </Show>
      <Show when={c.offerTemplates()}>
        <Show
          when={showTemplates() || !props.view.can.write}
          fallback={
            <button type="button" class="primary cv-open-templates" onClick={() => setShowTemplates(true)}>
              {t('conversation.chooseTemplateButton')}
            </button>
          }
        >
          <TemplatePicker
            conversationId={props.view.id}
            channelId={props.view.channel.id}
            claims={!props.view.can.write}
            onSent={() => setShowTemplates(false)}
          />
        </Show>
      </Show>
      <Show when={props.view.can.write}>
        <div class="cv-compose-box" classList={{ disabled: !c.state().allowed }}>
          <CannedList c={c} listId={`canned-${props.view.id}`} />
          <For each={c.attachments()}>
            {(a) => (
              <div class="cv-attached">
                <PaperclipIcon /> {a.filename}
                <button
                  type="button"
                  class="secondary"
                  aria-label={t('conversation.removeAttachment', { name: a.filename })}
                  onClick={() => c.detach(a)}
                >
                  ×
                </button>
              </div>
            )}
          </For>
          <ComposeRow c={c} conversationId={props.view.id} box={(el) => (box = el)} />
          <p class="cv-hint muted" id={`hint-${props.view.id}`}>
            {t('conversation.hint')}
          </p>
        </div>
      </Show>
      <Show when={c.problem()}>
        <p class="alert" role="alert">
          {c.problem()}
        </p>
      </Show>
    </section>
  );
}

/** The canned responses matching `/…`, as a listbox the text box drives (arrows, Enter, Escape). */
function CannedList(props: { c: Composing; listId: string }) {
  const menu = props.c.menu;
  return (
    <>
      <Show when={menu.options().length > 0}>
        {/* Options are never focused themselves: the text box keeps focus and points at the active one (aria-activedescendant). */}
        <div class="cv-canned" role="listbox" id={props.listId} aria-label={t('conversation.cannedList')}>
          <For each={menu.options()}>
            {(option, i) => (
              <div
                role="option"
                tabIndex={-1}
                id={`${props.listId}-${option.id}`}
                aria-selected={i() === menu.active()}
                onMouseDown={(e) => {
                  e.preventDefault();
                  void props.c.pickCanned(option.id);
                }}
                onMouseEnter={() => menu.setActive(i())}
              >
                <strong>/{option.shortcut}</strong> <span class="muted">{option.title}</span>
                <span class="cv-canned-body">{option.body}</span>
              </div>
            )}
          </For>
        </div>
      </Show>
      <Show when={menu.none()}>
        <p class="cv-canned-none muted" role="status">
          {t('conversation.noCanned')}
        </p>
      </Show>
    </>
  );
}

/** Attach, the text box and Send. */
function ComposeRow(props: { c: Composing; conversationId: string; box: (el: HTMLTextAreaElement) => void }) {
  const c = props.c;
  const listId = () => `canned-${props.conversationId}`;
  const offered = () => c.menu.options().length > 0;
  return (
    <div class="cv-compose-row">
      <label class="cv-attach" classList={{ disabled: !c.state().allowed || c.uploading() }} title={t('conversation.attach')}>
        <PaperclipIcon />
        <span class="visually-hidden">{t('conversation.attach')}</span>
        <input
          type="file"
          multiple
          class="visually-hidden"
          disabled={!c.state().allowed || c.uploading()}
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = '';
            void c.addFiles(files);
          }}
        />
      </label>
      <textarea
        ref={props.box}
        rows={2}
        value={c.text()}
        disabled={!c.state().allowed}
        aria-label={t('conversation.message')}
        aria-describedby={!c.state().allowed ? undefined : `hint-${props.conversationId}`}
        aria-autocomplete="list"
        aria-controls={offered() ? listId() : undefined}
        aria-activedescendant={offered() ? `${listId()}-${c.menu.options()[c.menu.active()]?.id}` : undefined}
        placeholder={c.state().allowed ? t('conversation.placeholder') : t('conversation.placeholderBlocked')}
        onInput={(e) => c.onInput(e.currentTarget.value)}
        onKeyDown={c.onKeyDown}
        onBlur={() => c.typing(false)}
      />
      <button type="button" class="primary cv-send" disabled={!c.canSend()} onClick={() => void c.send()}>
        {c.uploading() ? t('conversation.uploading') : t('conversation.send')}
      </button>
    </div>
  );
}

import { For, onMount } from 'solid-js';
import { t } from '../../i18n.ts';
import { dismissHandlers } from '../../lib/dismiss.ts';
import { SHORTCUTS } from '../../lib/shortcuts.ts';
import '../conversation/dialog.css';

/**
 * The list of keyboard shortcuts (`?`), as a modal <dialog>: focus moves to Close, Escape
 * or Close shuts it and focus returns where it was (the browser does both).
 */
export default function ShortcutsHelp(props: { onClose: () => void }) {
  let el!: HTMLDialogElement;
  onMount(() => el.showModal());
  return (
    <dialog
      ref={el}
      class="cv-dialog shortcuts-help"
      aria-labelledby="shortcuts-title"
      aria-describedby="shortcuts-intro"
      onClose={() => props.onClose()}
      {...dismissHandlers(
        () => el,
        () => el.close(),
      )}
    >
      <h2 id="shortcuts-title">{t('keys.title')}</h2>
      <p id="shortcuts-intro" class="muted">
        {t('keys.intro')}
      </p>
      <table class="shortcuts-table">
        <thead>
          <tr>
            <th scope="col">{t('keys.shortcut')}</th>
            <th scope="col">{t('keys.action')}</th>
          </tr>
        </thead>
        <tbody>
          <For each={SHORTCUTS}>
            {(s) => (
              <tr>
                <td>
                  <For each={s.keys}>{(key) => <kbd>{key}</kbd>}</For>
                </td>
                <td>{t(s.label)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <div class="cv-dialog-actions">
        <button type="button" class="primary" autofocus onClick={() => el.close()}>
          {t('keys.close')}
        </button>
      </div>
    </dialog>
  );
}

import { onMount, Show, type ParentProps } from 'solid-js';
import { t } from '../../i18n.ts';
import { dismissHandlers } from '../../lib/dismiss.ts';
import { errorMessage } from '../../trpc.ts';
import './dialog.css';

/**
 * A modal dialog on the native <dialog> element: focus moves in and is trapped by the
 * browser, Escape closes it, and it is announced with its title.
 */
export default function Dialog(props: ParentProps<{ title: string; onClose: () => void; class?: string }>) {
  let el!: HTMLDialogElement;
  const id = `dialog-${Math.random().toString(36).slice(2, 9)}`;
  onMount(() => el.showModal());
  return (
    <dialog
      ref={el}
      class={`cv-dialog ${props.class ?? ''}`}
      aria-labelledby={id}
      onClose={() => props.onClose()}
      {...dismissHandlers(
        () => el,
        () => el.close(),
      )}
    >
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/**
 * A dialog's last lines: the server's sentence when the action was refused, Cancel, and the
 * action (a submit button of the dialog's form, or a plain button with `onAction`).
 */
export function DialogFooter(props: {
  mutation: { isError: boolean; error: unknown; isPending: boolean };
  onCancel: () => void;
  label: string;
  disabled?: boolean;
  onAction?: () => void;
}) {
  return (
    <>
      <Show when={props.mutation.isError}>
        <p class="alert" role="alert">
          {errorMessage(props.mutation.error)}
        </p>
      </Show>
      <div class="cv-dialog-actions">
        <button type="button" class="secondary" onClick={() => props.onCancel()}>
          {t('conversation.cancel')}
        </button>
        <button
          type={props.onAction ? 'button' : 'submit'}
          class="primary"
          disabled={props.mutation.isPending || props.disabled}
          onClick={() => props.onAction?.()}
        >
          {props.label}
        </button>
      </div>
    </>
  );
}

import { onMount, type ParentProps } from 'solid-js';
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
      onClick={(e) => {
        if (e.target === el) el.close();
      }}
    >
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

import { createEffect, createSignal, onCleanup, Show, type JSX } from 'solid-js';

/**
 * A disclosure menu of the top bar: a button that opens a panel of buttons and links;
 * Escape or a click elsewhere closes it.
 */
export function Menu(props: {
  label: string;
  class?: string;
  button: JSX.Element;
  align?: 'start' | 'end';
  children: (close: () => void) => JSX.Element;
}) {
  const [open, setOpen] = createSignal(false);
  let root: HTMLDivElement | undefined;
  let button: HTMLButtonElement | undefined;
  const close = () => setOpen(false);

  createEffect(() => {
    if (!open()) return;
    const outside = (event: Event) => {
      if (root && !root.contains(event.target as Node)) close();
    };
    const key = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        close();
        button?.focus();
      }
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', key);
    onCleanup(() => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', key);
    });
  });

  return (
    <div class={`menu ${props.class ?? ''}`} ref={root}>
      <button
        ref={button}
        type="button"
        class="menu-button"
        aria-expanded={open()}
        aria-label={props.label}
        title={props.label}
        onClick={() => setOpen(!open())}
      >
        {props.button}
      </button>
      <Show when={open()}>
        <div class={`menu-panel ${props.align === 'start' ? 'align-start' : 'align-end'}`}>{props.children(close)}</div>
      </Show>
    </div>
  );
}

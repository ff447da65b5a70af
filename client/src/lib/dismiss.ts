/**
 * How a modal <dialog> of ours is dismissed besides its own buttons: a click or tap on the
 * backdrop (it lands on the <dialog> itself, outside its box — not on its padding), and
 * Escape, said here beside the click. A key handler inside that already used Escape (to
 * close a list, say) keeps the dialog open. `close` is the dialog's way out (el.close(), or
 * a signal whose effect closes it and puts the focus back).
 */
export function dismissHandlers(dialog: () => HTMLDialogElement | undefined, close: () => void) {
  return {
    onClick(event: MouseEvent) {
      const el = dialog();
      if (!el || event.target !== el) return;
      const box = el.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) close();
    },
    onKeyDown(event: KeyboardEvent) {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      close();
    },
  };
}

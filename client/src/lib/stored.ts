import { createMemo, type Accessor } from 'solid-js';

/**
 * A control's stored value, changing only when the value does. A refetch of the form's query
 * (a live event, the event stream's "refetch now" a moment after the page opens, the server's
 * answer replacing the offline copy) notifies its readers even when nothing changed, and a
 * `value` or `checked` binding re-run writes the stored value over what the person has typed
 * or clicked meanwhile.
 */
export function stored<T>(read: () => T): Accessor<T> {
  return createMemo(read);
}

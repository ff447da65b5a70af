import { createSignal, For, type JSX, type ParentProps } from 'solid-js';

// The frame of an admin screen: its section and heading, the editor slot, table heads.

/** When an editor closes, focus returns to the screen's heading (not lost to the page). */
function focusScreenHeading(): void {
  queueMicrotask(() => document.querySelector<HTMLElement>('.adm-section h2')?.focus());
}

/**
 * The editor slot of a list screen: which item (or "new") is open, and the last notice.
 * Opening clears the notice; closing returns focus to the screen's heading.
 */
export function useEditor<T>() {
  const [editing, setEditing] = createSignal<T | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  return {
    editing,
    notice,
    setNotice,
    open: (target: T) => {
      setNotice(null);
      setEditing(() => target);
    },
    done: (message: string) => {
      setEditing(null);
      setNotice(message);
      focusScreenHeading();
    },
    cancel: () => {
      setEditing(null);
      focusScreenHeading();
    },
  };
}

export function Section(props: ParentProps<{ title: string; actions?: JSX.Element }>) {
  return (
    <section class="adm-section" aria-label={props.title}>
      <div class="adm-section-head">
        <h2 tabIndex={-1}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

/** A table's header row: one column heading per label. */
export function TableHead(props: { labels: string[] }) {
  return (
    <thead>
      <tr>
        <For each={props.labels}>{(label) => <th scope="col">{label}</th>}</For>
      </tr>
    </thead>
  );
}

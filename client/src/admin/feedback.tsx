import { createSignal, onCleanup, Show, type Accessor, type JSX } from 'solid-js';
import { t } from '../i18n.ts';
import { errorMessage } from '../trpc.ts';

// What the admin screens tell the person: the server's refusals, saved notices, loading states,
// and the destructive action that asks once more.

/** The server's sentence of a failed mutation (already in the user's language). */
export function Refusal(props: { error: unknown }) {
  return (
    <Show when={props.error}>
      <p class="adm-alert" role="alert">
        {props.error instanceof Error && !('data' in props.error) && props.error.message ? props.error.message : errorMessage(props.error)}
      </p>
    </Show>
  );
}

export function Saved(props: { when: boolean; message?: string }) {
  return (
    <Show when={props.when}>
      <p class="adm-ok" role="status">
        {props.message ?? t('admin.saved')}
      </p>
    </Show>
  );
}

/** Loading / error / content of a query. */
export function Loaded<T>(props: {
  query: { data: T | undefined; error: unknown; isError: boolean };
  children: (data: Accessor<T>) => JSX.Element;
}) {
  return (
    <Show
      when={props.query.data}
      fallback={
        <Show when={props.query.isError} fallback={<p class="adm-muted">{t('common.loading')}</p>}>
          <p class="adm-alert" role="alert">
            {errorMessage(props.query.error)}
          </p>
        </Show>
      }
    >
      {(data) => props.children(data)}
    </Show>
  );
}

/** A destructive action asks once more, inline (no browser dialog): first click arms it. */
export function ConfirmButton(props: {
  label: string;
  ariaLabel?: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const [armed, setArmed] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  return (
    <Show
      when={armed()}
      fallback={
        <button
          type="button"
          class="adm-small secondary"
          aria-label={props.ariaLabel}
          disabled={props.disabled}
          onClick={() => {
            setArmed(true);
            clearTimeout(timer);
            timer = setTimeout(() => setArmed(false), 8000);
          }}
        >
          {props.label}
        </button>
      }
    >
      <button
        type="button"
        class="adm-small danger"
        ref={(el) => queueMicrotask(() => el.focus())}
        onClick={() => {
          setArmed(false);
          props.onConfirm();
        }}
        onBlur={() => setTimeout(() => setArmed(false), 200)}
      >
        {props.confirmLabel}
      </button>
    </Show>
  );
}

import { createSignal, createUniqueId, For, getOwner, onCleanup, Show, type Accessor, type JSX, type ParentProps } from 'solid-js';
import { t } from '../i18n.ts';
import { errorMessage } from '../trpc.ts';
import { durationParts, secondsSince } from './logic.ts';

// ---- Reading a submitted form (uncontrolled inputs, native constraint validation first).

export function submitted(event: SubmitEvent): FormData {
  event.preventDefault();
  return new FormData(event.currentTarget as HTMLFormElement);
}
export const str = (fd: FormData, name: string): string => {
  const v = fd.get(name);
  return typeof v === 'string' ? v.trim() : '';
};
export const bool = (fd: FormData, name: string): boolean => fd.get(name) !== null;
export const int = (fd: FormData, name: string): number => Number.parseInt(str(fd, name), 10);
export const all = (fd: FormData, name: string): string[] => fd.getAll(name).filter((v): v is string => typeof v === 'string');
/** Blank → null (the server clears the value). */
export const orNull = (s: string): string | null => (s === '' ? null : s);

// ---- Labelled controls: the label wraps the control, so its text is the accessible name.

type InputProps = {
  label: string;
  name: string;
  value?: string | number | null;
  type?: 'text' | 'email' | 'number' | 'password' | 'time' | 'color' | 'url';
  required?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  pattern?: string;
  placeholder?: string;
  hint?: string;
  list?: string;
  autocomplete?: JSX.HTMLAutocomplete;
  readOnly?: boolean;
  class?: string;
  onInput?: (value: string) => void;
};

export function Input(props: InputProps) {
  const id = createUniqueId();
  return (
    <div class={`adm-field ${props.class ?? ''}`}>
      <label class="adm-label" for={`in-${id}`}>
        {props.label}
      </label>
      <input
        id={`in-${id}`}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        maxLength={props.maxLength}
        min={props.min}
        max={props.max}
        pattern={props.pattern}
        placeholder={props.placeholder}
        list={props.list}
        autocomplete={props.autocomplete ?? 'off'}
        readOnly={props.readOnly}
        aria-describedby={props.hint ? `hint-${id}` : undefined}
        onInput={(e) => props.onInput?.(e.currentTarget.value)}
      />
      <Hint id={id} text={props.hint} />
    </div>
  );
}

/** A field's hint, named by the field's aria-describedby (`hint-<id>`). */
function Hint(props: { id: string; text: string | undefined }) {
  return (
    <Show when={props.text}>
      <small class="adm-hint" id={`hint-${props.id}`}>
        {props.text}
      </small>
    </Show>
  );
}

export function TextArea(props: { label: string; name: string; value?: string | null; required?: boolean; maxLength?: number; rows?: number; hint?: string; onInput?: (value: string) => void }) {
  const id = createUniqueId();
  return (
    <div class="adm-field adm-wide">
      <label class="adm-label" for={`in-${id}`}>
        {props.label}
      </label>
      <textarea
        id={`in-${id}`}
        name={props.name}
        rows={props.rows ?? 3}
        required={props.required}
        maxLength={props.maxLength}
        aria-describedby={props.hint ? `hint-${id}` : undefined}
        value={props.value ?? ''}
        onInput={(e) => props.onInput?.(e.currentTarget.value)}
      />
      <Hint id={id} text={props.hint} />
    </div>
  );
}

export function Check(props: { label: string; name: string; checked?: boolean; value?: string; onChange?: (checked: boolean) => void }) {
  return (
    <label class="adm-check">
      <input
        type="checkbox"
        name={props.name}
        value={props.value ?? 'on'}
        checked={props.checked ?? false}
        onChange={(e) => props.onChange?.(e.currentTarget.checked)}
      />
      <span>{props.label}</span>
    </label>
  );
}

export function Select(props: {
  label: string;
  name: string;
  value?: string | null;
  options: { value: string; label: string }[];
  required?: boolean;
  hint?: string;
  onChange?: (value: string) => void;
}) {
  const id = createUniqueId();
  return (
    <div class="adm-field">
      <label class="adm-label" for={`in-${id}`}>
        {props.label}
      </label>
      <select
        id={`in-${id}`}
        name={props.name}
        required={props.required}
        aria-describedby={props.hint ? `hint-${id}` : undefined}
        onChange={(e) => props.onChange?.(e.currentTarget.value)}
      >
        <For each={props.options}>
          {(o) => (
            <option value={o.value} selected={o.value === (props.value ?? '')}>
              {o.label}
            </option>
          )}
        </For>
      </select>
      <Hint id={id} text={props.hint} />
    </div>
  );
}

/** A group of checkboxes sharing one name (e.g. teamIds), in a labelled fieldset. */
export function CheckGroup(props: { legend: string; name: string; options: { value: string; label: string }[]; selected: readonly string[] }) {
  return (
    <fieldset class="adm-group adm-wide">
      <legend>{props.legend}</legend>
      <Show when={props.options.length > 0} fallback={<span class="adm-muted">{t('admin.none')}</span>}>
        <For each={props.options}>
          {(o) => <Check label={o.label} name={props.name} value={o.value} checked={props.selected.includes(o.value)} />}
        </For>
      </Show>
    </fieldset>
  );
}

// ---- Feedback.

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
      <p class="adm-ok" role="status">{props.message ?? t('admin.saved')}</p>
    </Show>
  );
}

/** A form's last lines: the server's sentence when saving was refused, then save and cancel. */
export function FormActions(props: { pending: boolean; submitLabel?: string; onCancel?: () => void; error?: unknown }) {
  return (
    <>
    <Show when={props.error}>
      <div class="adm-wide">
        <Refusal error={props.error} />
      </div>
    </Show>
    <div class="adm-actions adm-wide">
      <button type="submit" class="primary" disabled={props.pending} aria-busy={props.pending}>
        {props.submitLabel ?? t('admin.save')}
      </button>
      <Show when={props.onCancel}>
        <button type="button" class="secondary" onClick={() => props.onCancel?.()}>
          {t('admin.cancel')}
        </button>
      </Show>
    </div>
    </>
  );
}

/** A destructive action asks once more, inline (no browser dialog): first click arms it. */
export function ConfirmButton(props: { label: string; ariaLabel?: string; confirmLabel: string; onConfirm: () => void; disabled?: boolean }) {
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

/** An editor that opens moves focus to its first field (and into view). */
export function focusFirstField(form: HTMLFormElement): void {
  queueMicrotask(() => {
    const first = form.querySelector<HTMLElement>('input:not([type=hidden]):not([readonly]), select, textarea');
    form.scrollIntoView({ block: 'nearest' });
    first?.focus();
  });
}

/** When an editor closes, focus returns to the screen's heading (not lost to the page). */
export function focusScreenHeading(): void {
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

/** Loading / error / content of a query. */
export function Loaded<T>(props: { query: { data: T | undefined; error: unknown; isError: boolean }; children: (data: Accessor<T>) => JSX.Element }) {
  return (
    <Show
      when={props.query.data}
      fallback={
        <Show when={props.query.isError} fallback={<p class="adm-muted">{t('common.loading')}</p>}>
          <p class="adm-alert" role="alert">{errorMessage(props.query.error)}</p>
        </Show>
      }
    >
      {(data) => props.children(data)}
    </Show>
  );
}

// ---- Time.

const [now, setNow] = createSignal(Date.now());
let clockUsers = 0;
let clock: ReturnType<typeof setInterval> | undefined;

/** One shared 1-second clock for the waiting times on screen; runs only while read. */
export function useNow(): Accessor<number> {
  clockUsers += 1;
  if (clockUsers === 1) {
    setNow(Date.now());
    clock = setInterval(() => setNow(Date.now()), 1000);
  }
  if (getOwner()) {
    onCleanup(() => {
      clockUsers -= 1;
      if (clockUsers === 0) {
        clearInterval(clock);
        clock = undefined;
      }
    });
  }
  return now;
}

export function duration(seconds: number): string {
  const p = durationParts(seconds);
  switch (p.unit) {
    case 's':
      return t('admin.dur.seconds', { n: p.n });
    case 'min':
      return t('admin.dur.minutes', { n: p.n });
    case 'h':
      return t('admin.dur.hours', { h: p.h, m: p.m });
    case 'd':
      return t('admin.dur.days', { d: p.d, h: p.h });
  }
}

export const since = (at: string | Date, nowMs: number) => duration(secondsSince(at, nowMs));

/** Date and time in the given zone and the person's language. */
export function dateTime(at: string | Date, language: string, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'short', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(language, { ...options, timeZone }).format(new Date(at));
  } catch {
    return new Intl.DateTimeFormat(language, options).format(new Date(at));
  }
}

/** IANA time zones the browser knows, for a datalist. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

export function TimeZoneList(props: { id: string }) {
  return (
    <datalist id={props.id}>
      <For each={timeZones()}>{(z) => <option value={z} />}</For>
    </datalist>
  );
}

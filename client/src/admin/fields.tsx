import { createUniqueId, For, Show, type JSX, type ParentProps } from 'solid-js';
import { stored } from '../lib/stored.ts';
import { t } from '../i18n.ts';
import { Refusal } from './feedback.tsx';
import { CAPACITY_MAX, CAPACITY_MIN } from '../../../shared/capacity.ts';

// The admin forms' controls. The label wraps the control, so its text is the accessible name.

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
  const value = stored(() => props.value ?? '');
  return (
    <div class={`adm-field ${props.class ?? ''}`}>
      <label class="adm-label" for={`in-${id}`}>
        {props.label}
      </label>
      <input
        id={`in-${id}`}
        name={props.name}
        type={props.type ?? 'text'}
        value={value()}
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

export function TextArea(props: {
  label: string;
  name: string;
  value?: string | null;
  required?: boolean;
  maxLength?: number;
  rows?: number;
  hint?: string;
  onInput?: (value: string) => void;
}) {
  const id = createUniqueId();
  const value = stored(() => props.value ?? '');
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
        value={value()}
        onInput={(e) => props.onInput?.(e.currentTarget.value)}
      />
      <Hint id={id} text={props.hint} />
    </div>
  );
}

export function Check(props: { label: string; name: string; checked?: boolean; value?: string; onChange?: (checked: boolean) => void }) {
  const checked = stored(() => props.checked ?? false);
  return (
    <label class="adm-check">
      <input
        type="checkbox"
        name={props.name}
        value={props.value ?? 'on'}
        checked={checked()}
        onChange={(e) => props.onChange?.(e.currentTarget.checked)}
      />
      <span>{props.label}</span>
    </label>
  );
}

/** A radio group: one of a few choices, the stored one checked (kept across refetches like every control here). */
export function Choices<V extends string>(props: {
  legend: string;
  name: string;
  value?: V | null;
  options: { value: V; label: string }[];
  hint?: string;
}) {
  const current = stored(() => props.value ?? null);
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      <For each={props.options}>
        {(o) => (
          <label class="check">
            <input type="radio" name={props.name} value={o.value} checked={current() === o.value} />
            {o.label}
          </label>
        )}
      </For>
      <Show when={props.hint}>
        <p class="adm-muted">{props.hint}</p>
      </Show>
    </fieldset>
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
export function CheckGroup(props: {
  legend: string;
  name: string;
  options: { value: string; label: string }[];
  selected: readonly string[];
}) {
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

/** A part of a long form: a fieldset with its legend and a one-line hint, its fields in a grid. */
export function FieldGroup(props: ParentProps<{ legend: string; hint?: string; class?: string }>) {
  const id = createUniqueId();
  return (
    <fieldset class={`adm-group adm-wide adm-fields ${props.class ?? ''}`} aria-describedby={props.hint ? `hint-${id}` : undefined}>
      <legend>{props.legend}</legend>
      <Hint id={id} text={props.hint} />
      {props.children}
    </fieldset>
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

/** An editor that opens moves focus to its first field (and into view). */
export function focusFirstField(form: HTMLFormElement): void {
  queueMicrotask(() => {
    const first = form.querySelector<HTMLElement>('input:not([type=hidden]):not([readonly]), select, textarea');
    form.scrollIntoView({ block: 'nearest' });
    first?.focus();
  });
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

/** A limit of active conversations per agent; left empty, no limit (intOrNull reads it). */
export function CapacityInput(props: { label: string; name: string; value: number | null | undefined; hint: string }) {
  return (
    <Input
      label={props.label}
      name={props.name}
      type="number"
      value={props.value ?? ''}
      min={CAPACITY_MIN}
      max={CAPACITY_MAX}
      hint={props.hint}
    />
  );
}

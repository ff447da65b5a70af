import { A } from '@solidjs/router';
import { For, Show, type JSX, type ParentProps } from 'solid-js';
import { chooseLanguage, language, LANGUAGES, t, tValue, type Language, type MessageKey } from './i18n.ts';

/** Reads a submitted form into plain strings, keyed by the inputs' `name`. */
export function formValues(event: SubmitEvent): Record<string, string> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const values: Record<string, string> = {};
  for (const [key, value] of new FormData(form)) values[key] = typeof value === 'string' ? value : '';
  return values;
}

/** A centred card with the product name above it: the frame of every signed-out page. */
export function AuthCard(props: ParentProps<{ title: string }>) {
  return (
    <main class="auth">
      <p class="brand">{t('app.name')}</p>
      <section class="card">
        <h1>{props.title}</h1>
        {props.children}
      </section>
      <LanguageSwitch />
    </main>
  );
}

/**
 * The language of the signed-out pages (the browser's until changed here), and the rule said
 * in words: once signed in, the person's profile language applies.
 */
function LanguageSwitch() {
  return (
    <div class="auth-language">
      <label for="auth-language">{t('login.language')}</label>
      <select id="auth-language" aria-describedby="auth-language-hint" onChange={(e) => chooseLanguage(e.currentTarget.value as Language)}>
        <For each={LANGUAGES}>
          {(l) => (
            <option value={l} lang={l} selected={l === language()}>
              {tValue('admin.language', l)}
            </option>
          )}
        </For>
      </select>
      <p id="auth-language-hint" class="auth-language-hint">
        {t('login.languageHint')}
      </p>
    </div>
  );
}

type FieldProps = {
  name: string;
  label: MessageKey;
  type?: 'text' | 'email' | 'password';
  autocomplete?: JSX.HTMLAutocomplete;
  value?: string;
  list?: string;
  required?: boolean;
};

/** A labelled input; the id is derived from `name`, so each name appears once per page. */
export function Field(props: FieldProps) {
  const id = `field-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{t(props.label)}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        autocomplete={props.autocomplete}
        value={props.value ?? ''}
        list={props.list}
        required={props.required ?? true}
      />
    </div>
  );
}

/** An error sentence announced to screen readers; renders nothing when there is none. */
export function Alert(props: { message: string | null | undefined }) {
  return (
    <Show when={props.message}>
      <p class="alert" role="alert">
        {props.message}
      </p>
    </Show>
  );
}

export function Notice(props: { message: string | null | undefined }) {
  return (
    <Show when={props.message}>
      <p class="notice" role="status">
        {props.message}
      </p>
    </Show>
  );
}

export function Submit(props: { label: MessageKey; pending: boolean }) {
  return (
    <button type="submit" class="primary" disabled={props.pending} aria-busy={props.pending}>
      {t(props.label)}
    </button>
  );
}

export function BackToLogin() {
  return (
    <A class="link" href="/login">
      {t('forgot.back')}
    </A>
  );
}

import { createEffect, createSignal } from 'solid-js';
import {
  catalogue,
  isLanguage,
  pickLanguage,
  translate,
  type Language,
  type MessageKey,
} from '../../i18n/index.ts';

export type { Language, MessageKey };

const browserLanguage = (): Language =>
  pickLanguage(typeof navigator === 'undefined' ? [] : navigator.languages);

const [language, setLanguageSignal] = createSignal<Language>(browserLanguage());

export { language };

/** The signed-in user's language; anything unknown (or signing out) falls back to the browser's. */
export function setLanguage(lang: unknown): void {
  const next = isLanguage(lang) ? lang : browserLanguage();
  setLanguageSignal(next);
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/** Reactive: re-runs wherever it is read in JSX or an effect when the language changes. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(language(), key, params);
}

export function isMessageKey(key: string): key is MessageKey {
  return key in catalogue.en;
}

/** Translates `${prefix}.${value}` when the catalogue has it (roles, statuses); else shows the value. */
export function tValue(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

/** Keeps document.title in step with the page and the language. */
export function useTitle(key: MessageKey): void {
  createEffect(() => {
    document.title = `${t(key)} · ${t('app.name')}`;
  });
}

setLanguage(language());

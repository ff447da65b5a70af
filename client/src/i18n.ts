import { createSignal } from 'solid-js';
import { useScreenTitle } from './lib/title.ts';
import { catalogue, isLanguage, LANGUAGES, pickLanguage, translate, type Language, type MessageKey } from '../../i18n/index.ts';

export type { Language, MessageKey };
export { LANGUAGES };

const CHOSEN = 'atende:language';

/** The language of signed-out pages: the one chosen on them (login page's switch), else the browser's. */
const browserLanguage = (): Language => {
  try {
    const chosen = typeof localStorage === 'undefined' ? null : localStorage.getItem(CHOSEN);
    if (isLanguage(chosen)) return chosen;
  } catch {
    /* storage blocked: the browser's */
  }
  return pickLanguage(typeof navigator === 'undefined' ? [] : navigator.languages);
};

/**
 * The language switch of the signed-out pages: remembered in this browser for those pages.
 * Once someone signs in, their profile's language takes over (signed-in.tsx).
 */
export function chooseLanguage(lang: Language): void {
  try {
    localStorage.setItem(CHOSEN, lang);
  } catch {
    /* not remembered; still applied now */
  }
  setLanguage(lang);
}

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

/** Keeps the tab's title (lib/title.ts) in step with the page and the language. */
export function useTitle(key: MessageKey | (() => MessageKey)): void {
  useScreenTitle(() => t(typeof key === 'function' ? key() : key));
}

setLanguage(language());

import { en, type MessageKey } from './en.ts';
import { ptBR } from './pt-BR.ts';
import { es } from './es.ts';
import { fill, pickFrom } from './languages.ts';

export type { MessageKey };
export const LANGUAGES = ['pt-BR', 'en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'pt-BR';

export const catalogue: Record<Language, Record<MessageKey, string>> = { en, 'pt-BR': ptBR, es };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Picks the best supported language from an Accept-Language header or navigator.languages. */
export function pickLanguage(preferences: readonly string[] | string | undefined | null): Language {
  const list = typeof preferences === 'string' ? preferences.split(',').map((p) => p.split(';')[0]!.trim()) : (preferences ?? []);
  return pickFrom(list, LANGUAGES, DEFAULT_LANGUAGE) as Language;
}

export function translate(lang: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  return fill(catalogue[lang][key] ?? en[key], params);
}

import { en, type MessageKey } from './en.ts';
import { ptBR } from './pt-BR.ts';
import { es } from './es.ts';

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
  const list = typeof preferences === 'string'
    ? preferences.split(',').map((p) => p.split(';')[0]!.trim())
    : (preferences ?? []);
  for (const pref of list) {
    const lower = pref.toLowerCase();
    const exact = LANGUAGES.find((l) => l.toLowerCase() === lower);
    if (exact) return exact;
    const base = LANGUAGES.find((l) => l.toLowerCase().split('-')[0] === lower.split('-')[0]);
    if (base) return base;
  }
  return DEFAULT_LANGUAGE;
}

export function translate(lang: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogue[lang][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

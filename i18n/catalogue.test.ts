import { describe, expect, it } from 'vitest';
import { catalogue, LANGUAGES, pickLanguage, translate } from './index.ts';

describe('string catalogue', () => {
  it('has every key, non-empty and with the same placeholders, in every language', () => {
    const reference = catalogue.en;
    for (const lang of LANGUAGES) {
      for (const [key, text] of Object.entries(reference)) {
        const translated = catalogue[lang][key as keyof typeof reference];
        expect([lang, key, typeof translated === 'string' && translated.length > 0]).toEqual([lang, key, true]);
        const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect([lang, key, placeholders(translated)]).toEqual([lang, key, placeholders(text)]);
      }
      expect(Object.keys(catalogue[lang]).sort()).toEqual(Object.keys(reference).sort());
    }
  });

  it('picks a language from Accept-Language and fills placeholders', () => {
    expect(pickLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(pickLanguage('pt-PT')).toBe('pt-BR');
    expect(pickLanguage('de')).toBe('pt-BR');
    expect(translate('en', 'auth.passwordTooShort', { min: 8 })).toBe('The password must have at least 8 characters.');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue, LANGUAGES, pickLanguage, translate } from './index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The audit actions the server writes as literals (`action: 'login'`), from its sources. */
function auditActionsInSources(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.includes('.test.'))
        for (const m of fs.readFileSync(full, 'utf8').matchAll(/\baction: '([a-z_]+)'/g)) found.add(m[1]!);
    }
  };
  walk(path.join(ROOT, 'server'));
  return [...found].sort();
}

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

  it('names every audit action the server writes, so the audit log never shows a raw name', () => {
    const actions = auditActionsInSources();
    expect(actions.length).toBeGreaterThan(20);
    const unnamed = actions.filter((a) => !(`admin.audit.action.${a}` in catalogue.en));
    expect(unnamed).toEqual([]);
  });

  it('is really translated: few strings are left identical to English', () => {
    // Names (WhatsApp, Atende), units ("{n} min") and the like may stay the same; sentences may not.
    const words = (s: string) => s.replace(/\{\w+\}/g, '').match(/\p{L}{4,}/gu) ?? [];
    for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
      const same = Object.entries(catalogue.en)
        .filter(([key, text]) => words(text).length >= 3 && catalogue[lang][key as keyof typeof catalogue.en] === text)
        .map(([key]) => key);
      expect([lang, same]).toEqual([lang, []]);
    }
  });

  it('picks a language from Accept-Language and fills placeholders', () => {
    expect(pickLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(pickLanguage('pt-PT')).toBe('pt-BR');
    expect(pickLanguage('es-MX,es;q=0.9,en;q=0.8')).toBe('es');
    expect(pickLanguage(['es-419', 'en'])).toBe('es');
    expect(pickLanguage('de')).toBe('pt-BR');
    expect(translate('en', 'auth.passwordTooShort', { min: 8 })).toBe('The password must have at least 8 characters.');
    expect(translate('es', 'auth.passwordTooShort', { min: 8 })).toBe('La contraseña debe tener al menos 8 caracteres.');
  });

  it('writes the e-mails in every language, with every parameter filled in', () => {
    const params = { name: 'Dora', org: 'Demo', email: 'dora@demo.test', link: 'https://atende.test/set-password?token=x', minutes: 60 };
    for (const lang of LANGUAGES) {
      for (const key of ['mail.invite.subject', 'mail.invite.body', 'mail.reset.subject', 'mail.reset.body'] as const) {
        const text = translate(lang, key, params);
        expect([lang, key, /\{\w+\}/.test(text)]).toEqual([lang, key, false]);
      }
      expect(translate(lang, 'mail.invite.body', params)).toContain(params.link);
    }
    expect(translate('es', 'mail.invite.subject', params)).toBe('Demo te invitó a Atende');
    expect(translate('es', 'mail.reset.body', params)).toContain('Hola, Dora:');
  });
});

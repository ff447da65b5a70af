import { describe, expect, it } from 'vitest';
import { brandColours, contrast } from './brand.ts';
import { parseMenu } from './menu.ts';
import { pickFrom } from '../../i18n/languages.ts';
import { parseEvents } from './stream.ts';

describe('widget bot menu', () => {
  it('turns the numbered lines of the bot menu into options', () => {
    expect(parseMenu('Hello! Which team?\n1 Support\n2 Sales')).toEqual({
      text: 'Hello! Which team?',
      options: [
        { key: '1', label: 'Support' },
        { key: '2', label: 'Sales' },
      ],
    });
    expect(parseMenu('Sorry?\nHello!\n1) Suporte\n2 - Vendas').options).toEqual([
      { key: '1', label: 'Suporte' },
      { key: '2', label: 'Vendas' },
    ]);
  });

  it('leaves ordinary text alone', () => {
    expect(parseMenu('1 item is on its way')).toEqual({ text: '1 item is on its way', options: [] });
    expect(parseMenu('Nobody is available right now.')).toEqual({ text: 'Nobody is available right now.', options: [] });
  });
});

describe('widget event stream parser', () => {
  it('emits complete events and keeps the unfinished rest', () => {
    const seen: Array<[string, string]> = [];
    const rest = parseEvents('retry: 3000\n\nevent: ready\ndata: {}\n\n: ping\n\nevent: message\ndata: {"a":1}\n\nevent: mess', (e, d) =>
      seen.push([e, d]),
    );
    expect(seen).toEqual([
      ['ready', '{}'],
      ['message', '{"a":1}'],
    ]);
    expect(rest).toBe('event: mess');
  });
});

describe('widget bot menu with the channel options known', () => {
  const known = [
    { key: '1', label: 'Support' },
    { key: '2', label: 'Sales and quotes' },
  ];
  it('offers exactly the channel options as buttons', () => {
    expect(parseMenu('Sorry, I did not understand.\nHello! Which team?\n1 Support\n2 Sales and quotes', known)).toEqual({
      text: 'Sorry, I did not understand.\nHello! Which team?',
      options: known,
    });
  });
  it('offers no buttons for numbered lines that are not the options', () => {
    expect(parseMenu('Rate us:\n1 bad\n5 great', known).options).toEqual([]);
  });
});

describe('brand colours', () => {
  it('keeps text readable on and around the accent', () => {
    expect(brandColours('#0F766E')).toMatchObject({ accent: '#0f766e', onAccent: '#ffffff' });
    const light = brandColours('#ffd400')!;
    expect(light.onAccent).toBe('#111827');
    expect(contrast(light.ink, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(brandColours('red')).toBeNull();
    expect(brandColours('#12345')).toBeNull();
  });
});

describe("the visitor's language", () => {
  const all = ['pt-BR', 'en', 'es'];
  it('takes the first browser language the catalogue has, by base language too', () => {
    expect(pickFrom(['es-AR', 'en'], all, 'pt-BR')).toBe('es');
    expect(pickFrom(['pt-PT'], all, 'pt-BR')).toBe('pt-BR');
    expect(pickFrom(['en-GB', 'es'], all, 'pt-BR')).toBe('en');
  });
  it('without Spanish in the catalogue, goes on to the next preference, then the default', () => {
    expect(pickFrom(['es-ES', 'en-US'], ['pt-BR', 'en'], 'pt-BR')).toBe('en');
    expect(pickFrom(['es-ES', 'fr'], ['pt-BR', 'en'], 'pt-BR')).toBe('pt-BR');
  });
});

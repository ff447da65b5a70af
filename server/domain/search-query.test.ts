import { describe, expect, it } from 'vitest';
import { snippetParts } from '../../shared/search-snippet.ts';
import { MAX_WORDS, parseSearchQuery } from './search-query.ts';

describe('parseSearchQuery', () => {
  it('makes every word a required prefix', () => {
    expect(parseSearchQuery('Nota  fiscal').tsquery).toBe(`'nota':* & 'fiscal':*`);
  });

  it('keeps only letters and digits, so tsquery syntax cannot be injected', () => {
    expect(parseSearchQuery(`a' | !b:* & (c)`).tsquery).toBe(`'a':* & 'b':* & 'c':*`);
    expect(parseSearchQuery(`'):*!&|`).tsquery).toBeNull();
  });

  it('keeps accented letters (the database folds them)', () => {
    expect(parseSearchQuery('Ação rápida').tsquery).toBe(`'ação':* & 'rápida':*`);
  });

  it('caps the number of words', () => {
    const q = parseSearchQuery(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '));
    expect(q.tsquery!.split(' & ')).toHaveLength(MAX_WORDS);
  });

  it('reads a protocol number with or without its dash and zeros', () => {
    expect(parseSearchQuery('20261126-000042').protocols).toEqual(['20261126-000042']);
    expect(parseSearchQuery('20261126000042').protocols).toEqual(['20261126000042', '20261126-000042']);
    expect(parseSearchQuery(' 20261126-42 ').protocols).toEqual(['20261126-42', '20261126-000042']);
    expect(parseSearchQuery('nota fiscal').protocols).toEqual([]);
  });
});

describe('snippetParts', () => {
  it('splits marked runs from plain text', () => {
    expect(snippetParts('o \u0002reembolso\u0003 saiu')).toEqual([
      { text: 'o ', hit: false },
      { text: 'reembolso', hit: true },
      { text: ' saiu', hit: false },
    ]);
  });

  it('keeps markup as text', () => {
    expect(snippetParts('<b>\u0002x\u0003</b>')).toEqual([
      { text: '<b>', hit: false },
      { text: 'x', hit: true },
      { text: '</b>', hit: false },
    ]);
  });
});

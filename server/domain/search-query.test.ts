import { describe, expect, it } from 'vitest';
import { snippetParts } from '../../shared/search-snippet.ts';
import { compactTsquery, MAX_WORDS, parseSearchQuery } from './search-query.ts';

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

describe('compactTsquery', () => {
  it('asks for each word once: a prefix covers the longer lexemes it starts', () => {
    // "reembolso": pt and es stem it to reembols, en keeps reembolso.
    expect(compactTsquery([[['reembols']], [['reembolso']], [['reembols']]])?.join(' & ')).toBe(`'reembols':*`);
    expect(
      compactTsquery([
        [['not'], ['fiscal']],
        [['nota'], ['fiscal']],
        [['not'], ['fiscal']],
      ]),
    ).toEqual([`'not':*`, `'fiscal':*`]);
    expect(compactTsquery([[['refund']], [['refund']], [['refunds']]])?.join(' & ')).toBe(`'refund':*`);
  });

  it('keeps every form when none is a prefix of another', () => {
    expect(compactTsquery([[['happi']], [['happy']], [['happy']]])?.join(' & ')).toBe(`('happi':* | 'happy':*)`);
  });

  it('a stop word of one language is optional; a language that keeps no word adds nothing', () => {
    // "nota de": pt drops "de", en and es keep it: "de" is optional, as pt's query never asked for it.
    expect(
      compactTsquery([
        [['not'], []],
        [['nota'], ['de']],
        [['not'], ['de']],
      ]),
    ).toEqual([`'not':*`]);
    // "de" alone: pt keeps nothing, so only en and es count.
    expect(compactTsquery([[[]], [['de']], [['de']]])?.join(' & ')).toBe(`'de':*`);
    expect(compactTsquery([[[]], [[]], [[]]])).toBeNull();
  });

  it('leaves a word that makes several lexemes to the plain query', () => {
    expect(compactTsquery([[['a', 'b']], [['ab']], [['ab']]])).toBeUndefined();
  });

  it('asks for a word typed twice once', () => {
    expect(
      compactTsquery([
        [['pag'], ['pag']],
        [['pag'], ['pag']],
        [['pag'], ['pag']],
      ]),
    ).toEqual([`'pag':*`]);
  });

  it('quotes what it writes', () => {
    expect(compactTsquery([[["o'neil"]], [["o'neil"]], [["o'neil"]]])?.join(' & ')).toBe(`'o''neil':*`);
  });
});

import { describe, expect, it } from 'vitest';
import { parseInline, parseWhatsApp, plainWhatsApp } from './whatsapp-format.ts';

const text = (v: string) => ({ t: 'text', v });

describe('parseInline', () => {
  it('reads bold, italic, strike and code', () => {
    expect(parseInline('*Ana*')).toEqual([{ t: 'bold', c: [text('Ana')] }]);
    expect(parseInline('a _b_ ~c~ `d`')).toEqual([
      text('a '),
      { t: 'italic', c: [text('b')] },
      text(' '),
      { t: 'strike', c: [text('c')] },
      text(' '),
      { t: 'code', v: 'd' },
    ]);
    expect(parseInline('say ```x *y*``` now')).toEqual([text('say '), { t: 'code', v: 'x *y*' }, text(' now')]);
  });

  it('nests styles', () => {
    expect(parseInline('*_both_ and ~gone~*')).toEqual([
      { t: 'bold', c: [{ t: 'italic', c: [text('both')] }, text(' and '), { t: 'strike', c: [text('gone')] }] },
    ]);
  });

  it('leaves unmatched and misplaced markers as typed', () => {
    expect(parseInline('*open')).toEqual([text('*open')]);
    expect(parseInline('close*')).toEqual([text('close*')]);
    expect(parseInline('* spaced *')).toEqual([text('* spaced *')]);
    expect(parseInline('**')).toEqual([text('**')]);
    expect(parseInline('a * b')).toEqual([text('a * b')]);
  });

  it('keeps markers inside words', () => {
    expect(parseInline('2*3*4')).toEqual([text('2*3*4')]);
    expect(parseInline('snake_case_name')).toEqual([text('snake_case_name')]);
    expect(parseInline('*a*b')).toEqual([text('*a*b')]);
    expect(parseInline('_a_b_')).toEqual([{ t: 'italic', c: [text('a_b')] }]);
  });

  it('accepts punctuation around markers', () => {
    expect(parseInline('(*ok*), yes')).toEqual([text('('), { t: 'bold', c: [text('ok')] }, text('), yes')]);
    expect(parseInline('*Ana:* hello')).toEqual([{ t: 'bold', c: [text('Ana:')] }, text(' hello')]);
  });

  it('finds links, with underscores and without the sentence punctuation', () => {
    expect(parseInline('see https://ex.com/a_b_c/d?x=1_2.')).toEqual([
      text('see '),
      { t: 'link', href: 'https://ex.com/a_b_c/d?x=1_2', v: 'https://ex.com/a_b_c/d?x=1_2' },
      text('.'),
    ]);
    expect(parseInline('www.ex.com/x')).toEqual([{ t: 'link', href: 'https://www.ex.com/x', v: 'www.ex.com/x' }]);
    expect(parseInline('(https://ex.com/wiki/A_(b))')).toEqual([
      text('('),
      { t: 'link', href: 'https://ex.com/wiki/A_(b)', v: 'https://ex.com/wiki/A_(b)' },
      text(')'),
    ]);
    expect(parseInline('*https://ex.com/a_b*')).toEqual([
      { t: 'bold', c: [{ t: 'link', href: 'https://ex.com/a_b', v: 'https://ex.com/a_b' }] },
    ]);
    expect(parseInline('_https://ex.com/x_y_')).toEqual([
      { t: 'italic', c: [{ t: 'link', href: 'https://ex.com/x_y', v: 'https://ex.com/x_y' }] },
    ]);
  });

  it('makes links only of http(s) and www addresses', () => {
    for (const s of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://ex.com', 'ahttps://ex.com', 'https://']) {
      expect(parseInline(s).some((x) => x.t === 'link')).toBe(false);
    }
  });

  it('keeps markup as text (nothing becomes HTML)', () => {
    expect(parseInline('<img src=x onerror=alert(1)> *<b>*')).toEqual([
      text('<img src=x onerror=alert(1)> '),
      { t: 'bold', c: [text('<b>')] },
    ]);
    expect(parseInline('https://ex.com/"><script>')).toEqual([
      { t: 'link', href: 'https://ex.com/', v: 'https://ex.com/' },
      text('"><script>'),
    ]);
  });
});

describe('parseWhatsApp', () => {
  it('keeps lines of a paragraph', () => {
    expect(parseWhatsApp('Hello\n*Ana*')).toEqual([{ t: 'p', lines: [[text('Hello')], [{ t: 'bold', c: [text('Ana')] }]] }]);
    expect(parseWhatsApp('')).toEqual([{ t: 'p', lines: [[]] }]);
  });

  it('reads bulleted and numbered lists', () => {
    expect(parseWhatsApp('Options:\n- one\n* _two_\n1. first\n2. second\nend')).toEqual([
      { t: 'p', lines: [[text('Options:')]] },
      { t: 'ul', items: [[text('one')], [{ t: 'italic', c: [text('two')] }]] },
      { t: 'ol', start: 1, items: [[text('first')], [text('second')]] },
      { t: 'p', lines: [[text('end')]] },
    ]);
    // The bot's menu ("1 Support") is not a list; "*bold* line" is not a bullet.
    expect(parseWhatsApp('1 Support\n*bold* line')).toEqual([
      { t: 'p', lines: [[text('1 Support')], [{ t: 'bold', c: [text('bold')] }, text(' line')]] },
    ]);
  });

  it('makes a mono span across lines a block, as written', () => {
    expect(parseWhatsApp('Run:\n```a *b*\n  c```\ndone')).toEqual([
      { t: 'p', lines: [[text('Run:')]] },
      { t: 'pre', v: 'a *b*\n  c' },
      { t: 'p', lines: [[text('done')]] },
    ]);
    // Two one-line spans are not one block.
    expect(parseWhatsApp('```a``` x\n```b```')).toEqual([
      { t: 'p', lines: [[{ t: 'code', v: 'a' }, text(' x')], [{ t: 'code', v: 'b' }]] },
    ]);
  });

  it('gives the text without markers', () => {
    expect(plainWhatsApp('*Ana:* _hi_ 2*3*4\n- x')).toBe('Ana: hi 2*3*4\n• x');
  });
});

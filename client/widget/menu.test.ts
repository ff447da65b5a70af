import { describe, expect, it } from 'vitest';
import { parseMenu } from './menu.ts';
import { parseEvents } from './stream.ts';

describe('widget bot menu', () => {
  it('turns the numbered lines of the bot menu into options', () => {
    expect(parseMenu('Hello! Which team?\n1 Support\n2 Sales')).toEqual({
      text: 'Hello! Which team?',
      options: [{ key: '1', label: 'Support' }, { key: '2', label: 'Sales' }],
    });
    expect(parseMenu('Sorry?\nHello!\n1) Suporte\n2 - Vendas').options).toEqual([{ key: '1', label: 'Suporte' }, { key: '2', label: 'Vendas' }]);
  });

  it('leaves ordinary text alone', () => {
    expect(parseMenu('1 item is on its way')).toEqual({ text: '1 item is on its way', options: [] });
    expect(parseMenu('Nobody is available right now.')).toEqual({ text: 'Nobody is available right now.', options: [] });
  });
});

describe('widget event stream parser', () => {
  it('emits complete events and keeps the unfinished rest', () => {
    const seen: Array<[string, string]> = [];
    const rest = parseEvents('retry: 3000\n\nevent: ready\ndata: {}\n\n: ping\n\nevent: message\ndata: {"a":1}\n\nevent: mess', (e, d) => seen.push([e, d]));
    expect(seen).toEqual([['ready', '{}'], ['message', '{"a":1}']]);
    expect(rest).toBe('event: mess');
  });
});

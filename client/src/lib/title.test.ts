import { describe, expect, it } from 'vitest';
import { composeTitle } from './title.ts';

describe('tab title', () => {
  it('puts the unread count first, then the screen, then the product', () => {
    expect(composeTitle('Em espera', 0)).toBe('Em espera · Atende');
    expect(composeTitle('Maria', 2)).toBe('(2) Maria · Atende');
    expect(composeTitle('', 3)).toBe('(3) Atende');
    expect(composeTitle('', 0)).toBe('Atende');
  });
});

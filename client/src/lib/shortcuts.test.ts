import { describe, expect, it } from 'vitest';
import { isTypingTarget, neighbour, SHORTCUTS, shortcutFor, type TypingTarget } from './shortcuts.ts';

/** Element-like objects: what the rule reads of a DOM element (tagName, type, contenteditable, closest). */
const el = (tagName: string, more: Partial<TypingTarget> & { inside?: string[] } = {}): TypingTarget => ({
  tagName,
  type: more.type,
  isContentEditable: more.isContentEditable ?? false,
  closest: (selector: string) => ((more.inside ?? []).some((s) => selector.includes(s)) ? {} : null),
});
const press = (key: string, target: unknown, extra: Record<string, boolean> = {}) => shortcutFor({ key, target, ...extra });

describe('keyboard shortcuts', () => {
  it('never fire while typing: inputs, text areas, selects, contenteditable, the notes editor', () => {
    const typing = [
      el('TEXTAREA'),
      el('INPUT'),
      el('INPUT', { type: 'text' }),
      el('INPUT', { type: 'search' }),
      el('INPUT', { type: 'email' }),
      el('input', { type: 'number' }),
      el('SELECT'),
      el('DIV', { isContentEditable: true }),
      el('SPAN', { inside: ['[role="textbox"]'] }), // inside the notes editor (CodeMirror's content is a textbox)
      el('P', { inside: ['[contenteditable]'] }),
    ];
    for (const target of typing) {
      expect(isTypingTarget(target)).toBe(true);
      for (const { keys } of SHORTCUTS)
        for (const key of keys) expect([target.tagName, key, press(key, target)]).toEqual([target.tagName, key, null]);
    }
  });

  it('fire on buttons, links, checkboxes and the page itself', () => {
    for (const target of [
      el('BODY'),
      el('BUTTON'),
      el('A'),
      el('INPUT', { type: 'checkbox' }),
      el('INPUT', { type: 'radio' }),
      el('LI'),
      null,
    ]) {
      expect(isTypingTarget(target)).toBe(false);
      expect(press('j', target)).toBe('j');
      expect(press('?', target)).toBe('?');
      expect(press('/', target)).toBe('/');
    }
  });

  it('leave chords, compositions, handled keys, unknown keys and open dialogs alone', () => {
    const body = el('BODY');
    expect(press('k', body, { ctrlKey: true })).toBeNull();
    expect(press('k', body, { metaKey: true })).toBeNull();
    expect(press('k', body, { altKey: true })).toBeNull();
    expect(press('k', body, { isComposing: true })).toBeNull();
    expect(press('k', body, { defaultPrevented: true })).toBeNull();
    expect(press('x', body)).toBeNull();
    expect(press('Enter', body)).toBeNull();
    expect(shortcutFor({ key: 'j', target: body }, true)).toBeNull();
  });

  it('steps to the neighbour, starting at an end when nothing is chosen, stopping at the ends', () => {
    const list = ['a', 'b', 'c'];
    expect(neighbour(list, 'a', 1)).toBe('b');
    expect(neighbour(list, 'b', -1)).toBe('a');
    expect(neighbour(list, 'c', 1)).toBe('c');
    expect(neighbour(list, 'a', -1)).toBe('a');
    expect(neighbour(list, undefined, 1)).toBe('a');
    expect(neighbour(list, 'zz', -1)).toBe('c');
    expect(neighbour([], 'a', 1)).toBeUndefined();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadDraft, saveDraft } from './drafts.ts';

/** A browser's localStorage, as far as drafts use it. */
function fakeStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, String(value)),
    removeItem: (key: string) => void items.delete(key),
  };
}

let storage: ReturnType<typeof fakeStorage>;
beforeEach(() => {
  storage = fakeStorage();
  vi.stubGlobal('localStorage', storage);
});
afterEach(() => vi.unstubAllGlobals());

const file = { id: 'f1', filename: 'prices.pdf', contentType: 'application/pdf' };

describe('drafts per conversation', () => {
  it('keeps text and files per user and conversation, under the user’s prefix (the logout wipe removes it)', () => {
    saveDraft('ana', 'c1', { text: 'Rascunho', attachments: [file] });
    saveDraft('ana', 'c2', { text: 'Outro', attachments: [] });
    expect(loadDraft('ana', 'c1')).toEqual({ text: 'Rascunho', attachments: [file] });
    expect(loadDraft('ana', 'c2').text).toBe('Outro');
    expect(loadDraft('bruno', 'c1')).toEqual({ text: '', attachments: [] });
    expect([...storage.items.keys()].every((k) => k.startsWith('atende:ana:'))).toBe(true);
  });

  it('forgets a draft once it is empty (sent), and ignores a damaged entry', () => {
    saveDraft('ana', 'c1', { text: 'x', attachments: [] });
    saveDraft('ana', 'c1', { text: '', attachments: [] });
    expect(storage.items.size).toBe(0);
    storage.setItem('atende:ana:draft:c3', '{not json');
    expect(loadDraft('ana', 'c3')).toEqual({ text: '', attachments: [] });
    storage.setItem('atende:ana:draft:c4', JSON.stringify({ text: 1 }));
    expect(loadDraft('ana', 'c4')).toEqual({ text: '', attachments: [] });
  });

  it('keeps drafts in the tab when storage is blocked', () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
      removeItem: () => {
        throw new Error('blocked');
      },
    });
    saveDraft('ana', 'c9', { text: 'Só nesta aba', attachments: [] });
    expect(loadDraft('ana', 'c9').text).toBe('Só nesta aba');
  });
});

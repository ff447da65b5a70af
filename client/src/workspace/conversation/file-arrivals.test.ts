import { describe, expect, it } from 'vitest';
import { carriesFiles, dragDepth, filesOf, pastedFiles, type Carrier } from './file-arrivals.ts';

const png = new File([new Uint8Array([1, 2, 3])], 'image.png', { type: 'image/png' });
const pdf = new File([new Uint8Array([4])], 'pedido.pdf', { type: 'application/pdf' });

function carrier(types: string[], files: File[] = [], items?: Carrier['items']): Carrier {
  return { types, files, items: items ?? files.map((f) => ({ kind: 'file', getAsFile: () => f })) };
}

describe('files arriving by paste or drop', () => {
  it('a screenshot or copied files attach; several at once, in order', () => {
    expect(pastedFiles(carrier(['Files'], [png]))).toEqual([png]);
    expect(pastedFiles(carrier(['Files'], [png, pdf]))).toEqual([png, pdf]);
    // "Copy image" in a browser: the picture and its HTML, no plain text.
    expect(pastedFiles(carrier(['text/html', 'Files'], [png]))).toEqual([png]);
    // Files copied in a file manager carry their names as plain text too.
    expect(pastedFiles(carrier(['text/plain', 'Files'], [pdf]))).toEqual([pdf]);
  });

  it('plain text stays text, also when a spreadsheet adds a picture of the cells', () => {
    expect(pastedFiles(carrier(['text/plain']))).toEqual([]);
    expect(pastedFiles(carrier(['text/plain', 'text/html']))).toEqual([]);
    expect(pastedFiles(carrier(['text/plain', 'text/html', 'Files'], [png]))).toEqual([]);
    expect(pastedFiles(carrier(['text/plain', 'text/rtf', 'Files'], [png]))).toEqual([]);
    expect(pastedFiles(null)).toEqual([]);
  });

  it('reads the items when the file list is empty (some browsers on paste)', () => {
    const items = [
      { kind: 'string', getAsFile: () => null },
      { kind: 'file', getAsFile: () => png },
    ];
    expect(filesOf(carrier(['Files'], [], items))).toEqual([png]);
  });

  it('only a drag of files opens the drop zone, not a drag of text or a link', () => {
    expect(carriesFiles(carrier(['Files'], [png]))).toBe(true);
    expect(carriesFiles(carrier(['text/plain', 'text/uri-list']))).toBe(false);
    expect(carriesFiles(undefined)).toBe(false);
  });

  it('the drag is over the area until it left as often as it entered (children fire their own)', () => {
    const d = dragDepth();
    expect(d.enter()).toBe(true); // the area
    expect(d.enter()).toBe(false); // a child
    expect(d.leave()).toBe(false); // back from the child
    expect(d.leave()).toBe(true); // out of the area
    expect(d.leave()).toBe(false); // a stray leave never goes below zero
    expect(d.enter()).toBe(true);
    expect(d.reset()).toBe(true); // dropped
    expect(d.reset()).toBe(false);
  });
});

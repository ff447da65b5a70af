/**
 * Files that arrive the way people attach them all day — a pasted screenshot, files dragged
 * in — for the agent composer and the customer web chat widget alike. This only finds the
 * files and keeps the drop zone's state; each caller hands them to its attach button's path
 * (the same checks, uploads and refusal sentences). No framework: the widget imports it too.
 */

/** What a paste or a drag carries (a DataTransfer, or a test's stand-in). */
export interface Carrier {
  readonly types: ArrayLike<string>;
  readonly files?: ArrayLike<File> | null;
  readonly items?: ArrayLike<{ kind: string; getAsFile(): File | null }> | null;
}

const has = (data: Carrier, type: string) => Array.from(data.types).includes(type);

/** A drag of files (from the desktop or a file manager), not of text or a link on the page. */
export function carriesFiles(data: Carrier | null | undefined): boolean {
  return !!data && has(data, 'Files');
}

/** Every file of the transfer (the file list, else the items of kind "file"). */
export function filesOf(data: Carrier | null | undefined): File[] {
  if (!data) return [];
  const listed = Array.from(data.files ?? []);
  if (listed.length > 0) return listed;
  const out: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== 'file') continue;
    const file = item.getAsFile();
    if (file) out.push(file);
  }
  return out;
}

/**
 * The files a paste should attach; none when it is text. Office and spreadsheets copy the
 * text *and* a picture of it (text/plain with text/html or rtf, plus an image): that is text.
 * A screenshot, a copied image (html and the image, no plain text) or copied files attach.
 */
export function pastedFiles(data: Carrier | null | undefined): File[] {
  if (!data) return [];
  const files = filesOf(data);
  if (files.length === 0) return [];
  if (has(data, 'text/plain') && (has(data, 'text/html') || has(data, 'text/rtf'))) return [];
  return files;
}

/**
 * Whether a file drag is over an area, across its children: every child entered and left
 * fires its own dragenter/dragleave, so count them; a drop or the drag's end closes it.
 */
export function dragDepth(): { enter(): boolean; leave(): boolean; reset(): boolean } {
  let depth = 0;
  return {
    /** True when this enter starts the drag over the area. */
    enter: () => ++depth === 1,
    /** True when this leave ends it. */
    leave: () => depth > 0 && --depth === 0,
    /** True when a drag was over the area. */
    reset: () => {
      const was = depth > 0;
      depth = 0;
      return was;
    },
  };
}

export interface FileArrivalHandlers {
  /** Whether files may come in now (false: the cursor says no and no drop zone shows). */
  accepts(): boolean;
  /** A file drag is over the area (true), or left it, dropped, or ended (false). */
  dragging(on: boolean): void;
  /** Files dropped on the area or pasted in it. */
  files(list: File[]): void;
}

/**
 * Listens on `area` for pasted and dropped files; plain-text pastes and drags of text are
 * left to the browser. Dropping files elsewhere on the page does nothing (instead of the
 * browser leaving the app to open the file). Returns the function that stops listening.
 */
export function watchFileArrivals(area: HTMLElement, h: FileArrivalHandlers): () => void {
  const doc = area.ownerDocument;
  const depth = dragDepth();
  const stop = () => {
    if (depth.reset()) h.dragging(false);
  };
  const onEnter = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return;
    e.preventDefault();
    if (depth.enter() && h.accepts()) h.dragging(true);
  };
  const onOver = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return;
    e.preventDefault();
    e.dataTransfer!.dropEffect = h.accepts() ? 'copy' : 'none';
  };
  const onLeave = (e: DragEvent) => {
    if (carriesFiles(e.dataTransfer) && depth.leave()) h.dragging(false);
  };
  const onDrop = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer)) return;
    stop();
    if (e.defaultPrevented) return; // something inside took the files itself
    e.preventDefault();
    const list = filesOf(e.dataTransfer);
    if (list.length > 0) h.files(list);
  };
  const onPaste = (e: ClipboardEvent) => {
    const list = e.defaultPrevented ? [] : pastedFiles(e.clipboardData);
    if (list.length === 0) return;
    e.preventDefault();
    h.files(list);
  };
  // Outside the area (the side panel, the menus): a dropped file is refused, not opened —
  // unless something there takes files itself (a file input, an editor that handled it).
  const elsewhere = (e: DragEvent) => {
    if (!carriesFiles(e.dataTransfer) || e.defaultPrevented || area.contains(e.target as Node)) return;
    if (e.target instanceof HTMLInputElement && e.target.type === 'file') return;
    e.preventDefault();
    if (e.type === 'dragover') e.dataTransfer!.dropEffect = 'none';
    else stop();
  };
  // One signal removes every listener at once.
  const ac = new AbortController();
  const on = { signal: ac.signal };
  area.addEventListener('dragenter', onEnter, on);
  area.addEventListener('dragover', onOver, on);
  area.addEventListener('dragleave', onLeave, on);
  area.addEventListener('drop', onDrop, on);
  area.addEventListener('paste', onPaste, on);
  doc.addEventListener('dragover', elsewhere, on);
  doc.addEventListener('drop', elsewhere, on);
  doc.addEventListener('dragend', stop, on);
  return () => {
    ac.abort();
    stop();
  };
}

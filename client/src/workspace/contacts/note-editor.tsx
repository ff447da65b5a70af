import { createEffect, onCleanup, onMount } from 'solid-js';
import * as Y from 'yjs';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { defaultKeymap } from '@codemirror/commands';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { SharedDoc } from '../../lib/ydoc.ts';

/**
 * One note entry in a real editor: CodeMirror 6 bound to the entry's Y.Text with
 * y-codemirror.next, so concurrent edits merge (CRDT) and colleagues' cursors show. This
 * module is only ever imported lazily: CodeMirror stays out of the first load.
 */
export default function NoteEditor(props: {
  text: Y.Text;
  awareness: SharedDoc['awareness'];
  label: string;
  placeholder?: string;
  autofocus?: boolean;
}) {
  let host!: HTMLDivElement;
  onMount(() => {
    // Undo only what this person typed, never a colleague's edit.
    const undoManager = new Y.UndoManager(props.text);
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: props.text.toString(),
        extensions: [
          keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
          EditorView.lineWrapping,
          ...(props.placeholder ? [placeholderExt(props.placeholder)] : []),
          yCollab(props.text, props.awareness, { undoManager }),
        ],
      }),
    });
    // Set directly (not through contentAttributes) so it follows the author's name as it loads.
    createEffect(() => view.contentDOM.setAttribute('aria-label', props.label));
    // After the frame: the editor may be mounted before its list item is in the page.
    const frame = props.autofocus ? requestAnimationFrame(() => view.focus()) : 0;
    onCleanup(() => {
      cancelAnimationFrame(frame);
      view.destroy();
      undoManager.destroy();
    });
  });
  return <div class="note-editor" ref={host} />;
}

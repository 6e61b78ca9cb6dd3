/**
 * The note editor: CodeMirror 6 with Markdown, bound to the note's Y.Text and presence by
 * y-codemirror.next (shared undo, remote cursors and selections with names). Loaded only when a
 * note opens.
 */
import { defaultKeymap } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, keymap, placeholder } from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

export interface MountedEditor {
  view: EditorView;
  setWritable(writable: boolean): void;
  destroy(): void;
}

const theme = EditorView.theme({
  '&': { color: 'var(--fg)', backgroundColor: 'var(--bg)', fontSize: '14px' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', padding: '12px 0' },
  '.cm-line': { padding: '0 12px' },
  '&.cm-focused': { outline: 'none' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-ySelectionInfo': { fontFamily: 'system-ui, sans-serif', fontSize: '11px', opacity: '1', padding: '1px 4px' },
});

export function mountNoteEditor(
  parent: HTMLElement,
  text: Y.Text,
  awareness: Awareness,
  writable: boolean,
  label: string,
): MountedEditor {
  const access = new Compartment();
  const rights = (w: boolean) => [EditorState.readOnly.of(!w), EditorView.editable.of(w)];
  const undoManager = new Y.UndoManager(text);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text.toString(),
      extensions: [
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
        drawSelection(),
        EditorView.lineWrapping,
        markdown(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        placeholder('Write a note in Markdown…'),
        theme,
        access.of(rights(writable)),
        EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'note-input' }),
        yCollab(text, awareness, { undoManager }),
      ],
    }),
  });
  return {
    view,
    setWritable: (w) => view.dispatch({ effects: access.reconfigure(rights(w)) }),
    destroy: () => {
      view.destroy();
      undoManager.destroy();
    },
  };
}

/**
 * The note editor: CodeMirror 6 with Markdown, bound to the note's Y.Text and presence by
 * y-codemirror.next (shared undo, remote cursors and selections with names). Loaded only when a
 * note opens.
 */
import { defaultKeymap } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, type Transaction } from '@codemirror/state';
import { drawSelection, EditorView, keymap, placeholder } from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

/**
 * The largest single change the editor accepts, in UTF-8 bytes: under the server's default
 * message limit (CAIRN_YJS_MAX_PAYLOAD, 1 MiB) with room for Yjs's framing. A bigger paste
 * would be refused by the server on every reconnect, so it is refused here, with a reason.
 */
export const MAX_CHANGE_BYTES = 900 * 1024;

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
  onRefused: (message: string) => void = () => {},
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
        EditorState.transactionFilter.of((tr) => {
          const bytes = insertedBytes(tr);
          if (bytes <= MAX_CHANGE_BYTES) return tr;
          onRefused(
            `That change is ${(bytes / 1024 / 1024).toFixed(1)} MB; a note takes at most ${MAX_CHANGE_BYTES / 1024} KB at once. Paste it in parts, or add it to the repository as a file and link it (path@ref).`,
          );
          return [];
        }),
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

/** UTF-8 bytes a transaction inserts (cheap for typing: only long inserts are encoded). */
function insertedBytes(tr: Transaction): number {
  if (!tr.docChanged) return 0;
  let chars = 0;
  const parts: string[] = [];
  tr.changes.iterChanges((_fa, _ta, _fb, _tb, inserted) => {
    chars += inserted.length;
    parts.push(inserted.toString());
  });
  // A character is at most 3 UTF-8 bytes (4 for a surrogate pair, which is 2 characters).
  if (chars * 3 <= MAX_CHANGE_BYTES) return chars;
  return parts.reduce((n, p) => n + new TextEncoder().encode(p).length, 0);
}

/**
 * The Notes tab (`/owner/repo/notes`, `/owner/repo/notes/ID`): the repository's project notes
 * with their titles, last edit and authors; new, rename, delete; search (on this device, so it
 * works offline); the open note beside the list. Comparison notes are listed too, marked as
 * such, each linking back to the compare view it was written on.
 */
import { A, useNavigate, useParams } from '@solidjs/router';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { createMemo, createResource, createSignal, For, lazy, Show } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import { relativeDate } from '../history/format-date.ts';
import { createNotesIndex } from './create-notes-index.ts';
import { docName } from './doc-names.ts';
import { deleteNoteEverywhere } from './note-deletions.ts';
import { firstLine, type NoteEntry, searchNotes } from './notes-index.ts';
import { type ComparisonEntry, searchComparisons } from './target-notes-index.ts';
import './notes.css';

const NotePanel = lazy(() => import('./NotePanel.tsx'));

/** Height of one row of the list (title, first line, date and authors; set in notes.css). */
const ROW_PX = 66;

type Listed = { kind: 'note'; note: NoteEntry } | { kind: 'compare'; note: ComparisonEntry };

/**
 * Where a comparison note leads: the compare view it recorded, when that is this repository's
 * compare page (the URL comes from a shared document, so nothing else is followed).
 */
export function comparisonHref(repo: string, c: ComparisonEntry): string {
  const page = `/${repo}/experiments/compare?`;
  return c.url.startsWith(page) ? c.url : `${page}runs=${c.runs.map(encodeURIComponent).join(',')}`;
}

export default function NotesPage() {
  const params = useParams<{ owner: string; repo: string; noteId?: string }>();
  const navigate = useNavigate();
  const repo = `${params.owner}/${params.repo}`;
  const base = `/${repo}/notes`;
  // The editor's chunk, loaded when a note is opened and before it is drawn: drawn first, the lazy
  // panel would suspend the Layout's boundary and take the whole page away (the list included).
  const [editor, { refetch: loadEditorAgain }] = createResource(
    // `true` once any note is open (the same source from one note to the next: loaded once).
    () => params.noteId !== undefined,
    async () => {
      await NotePanel.preload();
      return true;
    },
  );
  const index = createNotesIndex(repo);
  const [query, setQuery] = createSignal('');
  const found = createMemo(() => searchNotes(index.entries(), query()));
  const foundComparisons = createMemo(() => searchComparisons(index.comparisons(), query()));
  const total = () => index.entries().length + index.comparisons().length;
  // Project notes and comparison notes in one list, last edited first.
  const listed = createMemo((): Listed[] => {
    const notes = found().map((note) => ({ kind: 'note' as const, note }));
    const comparisons = foundComparisons();
    if (comparisons.length === 0) return notes; // already last edited first
    return [...notes, ...comparisons.map((note) => ({ kind: 'compare' as const, note }))].sort(
      (a, b) => b.note.updatedAt - a.note.updatedAt,
    );
  });
  const current = createMemo(() => index.entries().find((e) => e.id === params.noteId) ?? null);
  const canWrite = () => index.access()?.canWrite === true;
  // Only the rows in view are drawn: 10,000 notes cost as much as the dozen on screen.
  let listEl: HTMLDivElement | undefined;
  const rows = createVirtualizer({
    get count() {
      return listed().length;
    },
    getScrollElement: () => listEl ?? null,
    estimateSize: () => ROW_PX,
    overscan: 8,
    // Rows are drawn in the first frame, before the list's size has been measured.
    initialRect: { width: 320, height: 700 },
    getItemKey: (i) => {
      const item = listed()[i];
      return item ? (item.kind === 'note' ? item.note.id : item.note.doc) : i;
    },
  });
  performance.mark('cairn:notes-page');
  const docOf = (id: string) => {
    try {
      return docName({ kind: 'note', id });
    } catch {
      return null;
    }
  };

  const create = () => {
    const id = index.create('');
    if (id) navigate(`${base}/${id}`);
  };
  const [saving, setSaving] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal<{ ok: boolean; text: string } | null>(null);
  const saveToRepo = async () => {
    setSaved(null);
    setSaving('Saving notes to the repository…');
    try {
      const { saveNotesToRepository } = await import('./save-notes.ts');
      const r = await saveNotesToRepository(params.owner, params.repo);
      setSaved({
        ok: true,
        text: r.commit
          ? `Saved ${r.files} ${r.files === 1 ? 'note' : 'notes'} under notes/ in commit ${r.commit.slice(0, 7)}; it is pushed with your other changes.`
          : `The repository already holds these ${r.files} notes: nothing to commit.`,
      });
    } catch (e) {
      setSaved({
        ok: false,
        text: `The notes could not be saved to the repository: ${e instanceof Error ? e.message : String(e)}`,
      });
    } finally {
      setSaving(null);
    }
  };
  const remove = (id: string, title: string) => {
    if (!confirm(`Delete the note “${title}” for everyone? It is removed from the server and this device.`)) return;
    index.remove(id);
    navigate(base);
    deleteNoteEverywhere(repo, docName({ kind: 'note', id }))
      .then((how) => {
        if (how === 'queued') {
          setSaved({ ok: true, text: `“${title}” is deleted here; the server forgets it once this device is online.` });
        }
      })
      .catch((e: unknown) =>
        setSaved({
          ok: false,
          text: `“${title}” was removed from the list, but the server kept its text: ${e instanceof Error ? e.message : String(e)}`,
        }),
      );
  };

  return (
    <div class="notes-page" data-testid="notes-page">
      <div class="notes-side">
        <div class="notes-tools">
          <input
            type="search"
            placeholder="Search notes"
            aria-label="Search notes"
            data-testid="notes-search"
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
          <button
            type="button"
            onClick={create}
            disabled={!canWrite()}
            data-testid="note-new"
            title={index.access()?.readOnlyReason ?? ''}
          >
            New note
          </button>
        </div>
        <p class="muted" data-testid="notes-count">
          {!index.loaded()
            ? 'Loading notes…'
            : query()
              ? `${listed().length} of ${total()} notes match`
              : `${total()} ${total() === 1 ? 'note' : 'notes'}`}
        </p>
        <Show when={index.loaded() && total() === 0}>
          <p class="muted">
            {canWrite() ? 'No notes yet. “New note” starts one; everyone with access sees it live.' : 'No notes yet.'}
          </p>
        </Show>
        <div class="notes-list" data-testid="notes-list" ref={listEl} hidden={listed().length === 0}>
          <ul aria-label="Notes" style={{ height: `${rows.getTotalSize()}px` }}>
            <For each={rows.getVirtualItems()}>
              {(row) => (
                <Show when={listed()[row.index]}>
                  {(item) => {
                    // Read through `item()` in the JSX: a rename or an edit changes the entry
                    // under the same row (same key), and only reactive reads follow it.
                    const style = {
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      transform: `translateY(${row.start}px)`,
                    } as const;
                    const meta = () => (
                      <span class="note-meta">
                        {relativeDate(Math.floor(item().note.updatedAt / 1000))}
                        {item().note.authors.length ? ` · ${item().note.authors.join(', ')}` : ''}
                      </span>
                    );
                    const asNote = () => {
                      const it = item();
                      return it.kind === 'note' ? it.note : null;
                    };
                    const asComparison = () => {
                      const it = item();
                      return it.kind === 'compare' ? it.note : null;
                    };
                    return (
                      <li class="note-row" style={style}>
                        <Show when={asNote()}>
                          {(n) => (
                            <A
                              href={`${base}/${n().id}`}
                              classList={{ active: n().id === params.noteId }}
                              data-testid="note-row"
                            >
                              <span class="note-title">{n().title}</span>
                              <span class="note-first-line">{firstLine(n().excerpt)}</span>
                              {meta()}
                            </A>
                          )}
                        </Show>
                        <Show when={asComparison()}>
                          {(c) => (
                            <A
                              href={comparisonHref(repo, c())}
                              data-testid="note-row"
                              data-kind="comparison"
                              title={`The note of the comparison of ${c().runs.length} runs: opens that compare view`}
                            >
                              <span class="note-title">
                                <span class="note-kind">Comparison</span> {c().title.replace(/^Comparison: /, '')}
                              </span>
                              <span class="note-first-line">{firstLine(c().excerpt)}</span>
                              {meta()}
                            </A>
                          )}
                        </Show>
                      </li>
                    );
                  }}
                </Show>
              )}
            </For>
          </ul>
        </div>
        <button
          type="button"
          class="notes-save"
          data-testid="notes-save"
          disabled={!canWrite() || saving() !== null || total() + index.runNotes().size === 0}
          onClick={() => void saveToRepo()}
          title="Writes every note as a Markdown file under notes/ in a commit"
        >
          {saving() ?? 'Save notes to the repository'}
        </button>
        <Show when={saved()}>
          {(r) => (
            <p
              class="muted"
              classList={{ error: !r().ok }}
              role={r().ok ? 'status' : 'alert'}
              data-testid="notes-saved"
            >
              {r().text}
            </p>
          )}
        </Show>
      </div>
      <div class="notes-main">
        <Show when={index.error() ?? index.state()?.problem}>
          {(p) => (
            <p class="notice error" role="alert">
              {p()}
            </p>
          )}
        </Show>
        <Show
          when={params.noteId}
          fallback={<p class="muted">Choose a note on the left{canWrite() ? ', or start a new one' : ''}.</p>}
        >
          {(id) => (
            <Show
              when={current()}
              fallback={
                <p class="muted" data-testid="note-missing">
                  {index.loaded() ? 'This note was deleted, or has not reached this device yet.' : 'Loading…'}
                </p>
              }
            >
              {(entry) => (
                <>
                  <div class="note-actions">
                    <input
                      aria-label="Note title"
                      data-testid="note-title"
                      value={entry().title}
                      disabled={!canWrite()}
                      onChange={(e) => index.rename(entry().id, e.currentTarget.value)}
                    />
                    <button
                      type="button"
                      class="danger"
                      disabled={!canWrite()}
                      data-testid="note-delete"
                      onClick={() => remove(entry().id, entry().title)}
                    >
                      Delete
                    </button>
                  </div>
                  <Show when={docOf(id())} keyed fallback={<p class="notice error">This note id is not valid.</p>}>
                    {(doc) => (
                      <Show
                        when={valueNow(editor)}
                        fallback={
                          editor.error ? (
                            <p class="notice error" role="alert">
                              The editor could not be loaded: {String(editor.error?.message ?? editor.error)}.{' '}
                              <button type="button" class="link-button" onClick={() => void loadEditorAgain()}>
                                Try again
                              </button>
                            </p>
                          ) : (
                            <p class="muted">Loading the editor…</p>
                          )
                        }
                      >
                        <NotePanel repo={repo} doc={doc} title="Note" onLocalEdit={(text) => index.touch(id(), text)} />
                      </Show>
                    )}
                  </Show>
                </>
              )}
            </Show>
          )}
        </Show>
      </div>
    </div>
  );
}

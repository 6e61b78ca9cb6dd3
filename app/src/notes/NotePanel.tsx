/**
 * A live note: the Markdown editor (or its rendered view), who else is here, and the note's
 * state in words (live, offline with changes waiting, read-only and why, refused and what to do).
 * Used for a run's note, a commit's note and project notes.
 */
import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js';
import { renderMarkdown } from '../viewers/render-markdown.ts';
import { linkCairnRefs } from './cairn-links.ts';
import { createNoteSession } from './create-note-session.ts';
import { NoteHistory } from './NoteHistory.tsx';
import type { MountedEditor } from './note-editor.ts';
import type { NoteSession, NoteSessionState } from './note-session.ts';
import { maybeAutoVersion } from './note-versions.ts';
import './notes.css';

export interface NotePanelProps {
  /** `OWNER/REPO` */
  repo: string;
  doc: string;
  title: string;
  /** Called (debounced) after this person edits, with the note's text. */
  onLocalEdit?: (text: string, session: NoteSession) => void;
  /**
   * Called once the note on this device and the server's are the same (the first sync), with
   * the note's text: lists kept beside the note can catch up with edits made elsewhere.
   */
  onSynced?: (text: string, canWrite: boolean) => void;
}

function statusText(s: NoteSessionState | null): string {
  if (!s?.loaded) return 'Opening…';
  if (s.connection === 'refused') return 'Not syncing';
  if (s.connection === 'connected' && s.synced) return s.pending ? 'Syncing…' : 'Live';
  if (s.connection === 'offline' || !navigator.onLine) {
    return s.pending ? 'Offline · changes saved on this device, waiting to sync' : 'Offline · saved on this device';
  }
  return s.pending ? 'Connecting · changes waiting to sync' : 'Connecting…';
}

export default function NotePanel(props: NotePanelProps) {
  const note = createNoteSession(props.repo, props.doc, props.onLocalEdit);
  const [mode, setMode] = createSignal<'edit' | 'view' | 'history'>('edit');
  const [html, setHtml] = createSignal('');
  const [editorError, setEditorError] = createSignal<string | null>(null);
  let host: HTMLDivElement | undefined;
  let editor: MountedEditor | null = null;
  onCleanup(() => editor?.destroy());

  createEffect(() => {
    const s = note.session();
    const a = note.access();
    if (!s || !a || editor || !host) return;
    const target = host;
    void Promise.all([import('./note-editor.ts'), s.whenLoaded()])
      .then(([m]) => {
        if (editor) return;
        editor = m.mountNoteEditor(target, s.text, s.provider.awareness, a.canWrite, props.title, setEditorError);
      })
      .catch((e: unknown) =>
        setEditorError(
          `The editor could not load (${e instanceof Error ? e.message : String(e)}). Reload the page to try again.`,
        ),
      );
  });

  createEffect(() => {
    const s = note.session();
    const a = note.access();
    const onSynced = props.onSynced;
    if (!s || !a || !onSynced) return;
    let stale = false;
    onCleanup(() => {
      stale = true;
    });
    void s.whenSynced().then(() => !stale && onSynced(s.text.toString(), a.canWrite));
  });

  // A version every few minutes while this person writes (note-versions.ts).
  createEffect(() => {
    const s = note.session();
    const a = note.access();
    if (!s || !a?.canWrite) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onUpdate = (_u: Uint8Array, origin: unknown) => {
      if (!s.isLocalOrigin(origin) || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        maybeAutoVersion(s.ydoc, a.user?.name ?? null);
      }, 2000);
    };
    s.ydoc.on('update', onUpdate);
    onCleanup(() => {
      clearTimeout(timer);
      s.ydoc.off('update', onUpdate);
    });
  });

  // The rendered view follows the note live while it is shown.
  createEffect(() => {
    const s = note.session();
    if (!s || mode() !== 'view') return;
    let stale = false;
    const render = () =>
      void renderMarkdown(linkCairnRefs(s.text.toString(), props.repo)).then((h) => !stale && setHtml(h));
    render();
    s.text.observe(render);
    onCleanup(() => {
      stale = true;
      s.text.unobserve(render);
    });
  });

  return (
    <section class="note-panel" data-testid="note-panel" data-doc={props.doc}>
      <header class="note-head">
        <h3>{props.title}</h3>
        <span
          class="note-status"
          classList={{
            live: note.state()?.connection === 'connected' && note.state()?.synced === true,
            waiting: note.state()?.pending === true,
          }}
          data-testid="note-status"
          data-connection={note.state()?.connection ?? 'connecting'}
          data-pending={String(note.state()?.pending ?? false)}
        >
          {statusText(note.state())}
        </span>
        <ul class="note-presence" data-testid="note-presence" aria-label="Who is here">
          <For each={note.peers()}>
            {(p) => (
              <li
                class="note-peer"
                data-testid="note-peer"
                title={p.self ? `${p.name} (you)` : p.name}
                style={{ '--peer': p.color }}
              >
                <span class="note-avatar" aria-hidden="true">
                  {p.name.slice(0, 1).toUpperCase()}
                </span>
                <span class="note-peer-name">{p.self ? `${p.name} (you)` : p.name}</span>
              </li>
            )}
          </For>
        </ul>
        <fieldset class="note-mode" aria-label="Show the note as">
          <button type="button" aria-pressed={mode() === 'edit'} onClick={() => setMode('edit')}>
            Markdown
          </button>
          <button
            type="button"
            aria-pressed={mode() === 'view'}
            onClick={() => setMode('view')}
            data-testid="note-view-rendered"
          >
            Rendered
          </button>
          <button
            type="button"
            aria-pressed={mode() === 'history'}
            onClick={() => setMode('history')}
            data-testid="note-view-history"
          >
            History
          </button>
        </fieldset>
      </header>
      <Show when={note.access()?.readOnlyReason}>
        {(why) => (
          <p class="notice note-readonly" data-testid="note-readonly">
            {why()}
          </p>
        )}
      </Show>
      <Show when={note.state()?.problem ?? note.error() ?? editorError()}>
        {(problem) => (
          <p class="notice error" role="alert" data-testid="note-problem">
            {problem()}
          </p>
        )}
      </Show>
      <div class="note-editor" ref={host} hidden={mode() !== 'edit'} />
      <Show when={mode() === 'history' && note.session()}>
        {(s) => (
          <NoteHistory
            session={s()}
            canWrite={note.access()?.canWrite === true}
            by={note.access()?.user?.name ?? null}
          />
        )}
      </Show>
      <Show when={mode() === 'view'}>
        <div
          class="note-rendered markdown-body"
          data-testid="note-rendered"
          innerHTML={html() || '<p class="muted">This note is empty.</p>'}
        />
      </Show>
    </section>
  );
}

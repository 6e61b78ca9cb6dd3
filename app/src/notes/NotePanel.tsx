/**
 * A live note: the Markdown editor (or its rendered view), who else is here, and the note's
 * state in words (live, offline with changes waiting, read-only and why, refused and what to do).
 * Used for a run's note, a commit's note and project notes.
 */
import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js';
import { renderMarkdownWith } from '../viewers/render-markdown.ts';
import { cairnRefs } from './cairn-links.ts';
import { createNoteSession } from './create-note-session.ts';
import { NoteHistory } from './NoteHistory.tsx';
import type { MountedEditor } from './note-editor.ts';
import type { RunValues } from './note-run-values.ts';
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
  const [mounted, setMounted] = createSignal(false);
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
        setMounted(true);
        performance.mark('cairn:note-editor');
      })
      .catch((e: unknown) =>
        setEditorError(
          `The editor could not load (${e instanceof Error ? e.message : String(e)}). Reload the page to try again.`,
        ),
      );
  });

  // The server's word on who may write arrives after the editor opened from the device.
  createEffect(() => {
    const a = note.access();
    if (mounted() && a) editor?.setWritable(a.canWrite);
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

  // The rendered view follows the note live while it is shown, and so do the runs' values it
  // names (note-run-values.ts: read from the run store, which the run feed keeps current).
  createEffect(() => {
    const s = note.session();
    if (!s || mode() !== 'view') return;
    let stale = false;
    let values: RunValues | null = null;
    let queued = false;
    const render = () => {
      if (queued) return;
      queued = true;
      // Typing and values arriving together render once per frame.
      requestAnimationFrame(() => {
        queued = false;
        if (stale) return;
        const named = new Set<string>();
        const links = cairnRefs(props.repo, (ref) => {
          named.add(ref.run);
          return values?.answer(ref) ?? null;
        });
        void renderMarkdownWith(s.text.toString(), [links]).then((h) => {
          if (stale) return;
          setHtml(h);
          if (named.size === 0) return;
          if (values) values.want([...named]);
          else
            void import('./note-run-values.ts').then((m) => {
              if (stale || values) return;
              values = m.openRunValues(props.repo, render);
              values.want([...named]);
            });
        });
      });
    };
    render();
    s.text.observe(render);
    onCleanup(() => {
      stale = true;
      values?.destroy();
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
      <details class="note-help" data-testid="note-help">
        <summary>Links and live values</summary>
        <ul>
          <li>
            <code>run:ID</code>, <code>commit:SHA</code> (or a full commit id) and <code>path/to/file.py@REF</code> link
            to the run, the commit and the file at that branch, tag or commit.
          </li>
          <li>
            <code>run:ID/metrics.val_iou</code> shows the run’s latest value of <code>val_iou</code> and{' '}
            <code>run:ID/params.lr</code> its parameter, in the rendered view, live while the run logs.
          </li>
          <li>Inside `code` and code blocks they stay as written.</li>
        </ul>
      </details>
    </section>
  );
}

/**
 * A note's earlier versions: the list (when, by whom), the chosen one shown as a line diff
 * against the note now, "Save a version" and "Restore this version" for writers.
 */
import { diffText } from '@cairn/core/diff/line-diff';
import { createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import { exactDate, relativeDate } from '../history/format-date.ts';
import type { NoteSession } from './note-session.ts';
import { listVersions, type NoteVersion, restoreVersion, saveVersion, versionsArray } from './note-versions.ts';

export function NoteHistory(props: { session: NoteSession; canWrite: boolean; by: string | null }) {
  // Read once: the caller's accessor is gone by the time this view is cleaned up.
  const session = props.session;
  const [versions, setVersions] = createSignal<NoteVersion[]>(listVersions(session.ydoc));
  const [now, setNow] = createSignal(session.text.toString());
  const [chosen, setChosen] = createSignal<number | null>(versions()[0]?.at ?? null);
  const readVersions = () => setVersions(listVersions(session.ydoc));
  const readText = () => setNow(session.text.toString());
  versionsArray(session.ydoc).observe(readVersions);
  session.text.observe(readText);
  onCleanup(() => {
    versionsArray(session.ydoc).unobserve(readVersions);
    session.text.unobserve(readText);
  });
  const version = () => versions().find((v) => v.at === chosen()) ?? null;
  const diff = createMemo(() => {
    const v = version();
    return v ? diffText(v.text, now()).rows : [];
  });
  return (
    <div class="note-history" data-testid="note-history">
      <div class="note-history-list">
        <Show when={props.canWrite}>
          <button
            type="button"
            data-testid="note-save-version"
            onClick={() => {
              saveVersion(session.ydoc, props.by);
              setChosen(listVersions(session.ydoc)[0]?.at ?? null);
            }}
          >
            Save a version
          </button>
        </Show>
        <Show when={versions().length === 0}>
          <p class="muted">No earlier versions yet. One is kept every few minutes while someone writes.</p>
        </Show>
        <ul>
          <For each={versions()}>
            {(v) => (
              <li>
                <button
                  type="button"
                  class="note-version"
                  aria-pressed={v.at === chosen()}
                  data-testid="note-version"
                  title={exactDate(Math.floor(v.at / 1000), new Date(v.at).getTimezoneOffset())}
                  onClick={() => setChosen(v.at)}
                >
                  {relativeDate(Math.floor(v.at / 1000))}
                  {v.by ? ` · ${v.by}` : ''}
                </button>
              </li>
            )}
          </For>
        </ul>
      </div>
      <Show when={version()}>
        {(v) => (
          <div class="note-history-diff">
            <p class="muted">
              This version against the note now: <span class="removed-key">− only in this version</span>{' '}
              <span class="added-key">+ written since</span>
            </p>
            <pre class="note-diff" data-testid="note-diff">
              <For each={diff()}>
                {(l) => (
                  <div class={`diff-${l.kind}`}>
                    {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '− ' : '  '}
                    {l.text}
                  </div>
                )}
              </For>
            </pre>
            <Show when={props.canWrite}>
              <button
                type="button"
                data-testid="note-restore"
                disabled={v().text === now()}
                onClick={() => restoreVersion(session.ydoc, v(), props.by)}
              >
                Restore this version
              </button>
            </Show>
          </div>
        )}
      </Show>
    </div>
  );
}

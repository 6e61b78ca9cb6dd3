import { A } from '@solidjs/router';
import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { pendingNotes, subscribePendingNotes } from '../notes/pending-notes.ts';
import { browserSaysOffline } from './connectivity.ts';
import { getSyncSummary, type SyncSummary, subscribeSyncSummary } from './status.ts';

const LABEL: Record<SyncSummary['state'], string> = {
  offline: 'Offline',
  'up-to-date': 'Up to date',
  syncing: 'Syncing…',
  pending: 'Waiting to sync',
  'needs-attention': 'Needs attention',
};

/**
 * The top-bar sync indicator: offline / up to date / syncing (with progress) / needs
 * attention. It starts the sync engine once the page has rendered, so storage and git load
 * after first paint.
 */
export function SyncIndicator() {
  const [summary, setSummary] = createSignal<SyncSummary>(
    !browserSaysOffline() ? getSyncSummary() : { state: 'offline', detail: '', progress: null },
  );
  onCleanup(subscribeSyncSummary(setSummary));
  // Notes edited here that the server has not had yet (app/src/notes/pending-notes.ts).
  const [notesWaiting, setNotesWaiting] = createSignal(pendingNotes().length);
  onCleanup(subscribePendingNotes(setNotesWaiting));
  const goneOffline = () => setSummary({ state: 'offline', detail: '', progress: null });
  // A newer Cairn in another tab upgraded the database: this tab must reload to keep saving.
  const outdated = () =>
    setSummary({
      state: 'needs-attention',
      detail: 'A newer version of Cairn is open in another tab: reload this one.',
      progress: null,
    });
  window.addEventListener('offline', goneOffline);
  window.addEventListener('cairn:db-outdated', outdated);
  onCleanup(() => {
    window.removeEventListener('offline', goneOffline);
    window.removeEventListener('cairn:db-outdated', outdated);
  });
  onMount(() => {
    setTimeout(() => void import('./engine.ts').then((m) => m.startSyncEngine()), 0);
    setTimeout(() => void import('../notes/notes-outbox.ts').then((m) => m.startNotesOutbox()), 0);
  });
  return (
    <A
      href="/"
      class="badge sync-badge"
      classList={{ offline: summary().state === 'offline', attention: summary().state === 'needs-attention' }}
      data-testid="connectivity"
      data-state={summary().state}
      title={summary().detail || LABEL[summary().state]}
    >
      {LABEL[summary().state]}
      <Show when={summary().state === 'syncing' && summary().progress !== null}>
        {` ${Math.round((summary().progress ?? 0) * 100)}%`}
      </Show>
      <Show when={notesWaiting() > 0}>
        <span class="notes-waiting" data-testid="notes-waiting">
          {` · ${notesWaiting()} ${notesWaiting() === 1 ? 'note' : 'notes'} waiting to sync`}
        </span>
      </Show>
    </A>
  );
}

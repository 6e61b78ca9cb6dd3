/**
 * The note of a run, a commit or a comparison, placed on its page. The note's code (Yjs, the
 * editor) loads only with it; an id that cannot name a note says so instead.
 */
import { lazy, Show, Suspense } from 'solid-js';
import { docName, type NoteTarget } from './doc-names.ts';
import type { ComparisonMeta } from './target-notes-index.ts';

const TargetNotePanel = lazy(() => import('./TargetNotePanel.tsx'));

export function TargetNote(props: {
  repo: string;
  target: NoteTarget;
  title: string;
  /** A comparison's runs' names and the compare view's URL, recorded with its note. */
  comparison?: Pick<ComparisonMeta, 'names' | 'url'>;
}) {
  const doc = (): { name: string } | { error: string } => {
    try {
      return { name: docName(props.target) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  };
  return (
    <Show
      when={'name' in doc() && (doc() as { name: string }).name}
      keyed
      fallback={<p class="muted">This has no note: {(doc() as { error?: string }).error}</p>}
    >
      {(name) => (
        // Its own boundary: while the note's code loads, only the note waits (the Layout's
        // boundary would take the whole page away for that time).
        <Suspense fallback={<p class="muted">Loading the note…</p>}>
          <TargetNotePanel
            repo={props.repo}
            doc={name}
            target={props.target}
            title={props.title}
            comparison={props.comparison}
          />
        </Suspense>
      )}
    </Show>
  );
}

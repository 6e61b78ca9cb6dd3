/**
 * The note of a run or a commit, placed on its page. The note's code (Yjs, the editor) loads
 * only with it; an id that cannot name a note says so instead.
 */
import { lazy, Show } from 'solid-js';
import { docName, type NoteTarget } from './doc-names.ts';

const NotePanel = lazy(() => import('./NotePanel.tsx'));

export function TargetNote(props: { repo: string; target: NoteTarget; title: string }) {
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
      {(name) => <NotePanel repo={props.repo} doc={name} title={props.title} />}
    </Show>
  );
}

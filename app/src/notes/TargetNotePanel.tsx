/**
 * A run's, commit's or comparison's note with its entry in the repository's notes index kept
 * up to date: a run note's text (the experiments table's note column and filter read it there),
 * a comparison's runs, view URL and text (the Notes tab lists it and links back). The comparison
 * also records its runs and URL in its own document (`meta`), so the note says what it is about
 * wherever it is read (saving notes to the repository writes them as front matter).
 */
import { createNotesIndex } from './create-notes-index.ts';
import type { NoteTarget } from './doc-names.ts';
import NotePanel from './NotePanel.tsx';
import type { NoteSession } from './note-session.ts';
import { type ComparisonMeta, writeComparisonMeta } from './target-notes-index.ts';

export default function TargetNotePanel(props: {
  repo: string;
  doc: string;
  target: NoteTarget;
  title: string;
  comparison?: Pick<ComparisonMeta, 'names' | 'url'> | undefined;
}) {
  const indexed = props.target.kind === 'run' || props.target.kind === 'compare';
  const index = indexed ? createNotesIndex(props.repo) : null;
  const meta = (): ComparisonMeta | null => {
    const t = props.target;
    if (t.kind !== 'compare') return null;
    const runs = [...new Set(t.runs)].sort();
    const names = props.comparison?.names ?? [];
    return { runs, names: names.length === runs.length ? names : [], url: props.comparison?.url ?? '' };
  };
  const record = (text: string, byMe: boolean, session?: NoteSession) => {
    const t = props.target;
    if (!index) return;
    if (t.kind === 'run') index.touchRun(t.id, text, byMe);
    const m = meta();
    if (m) {
      if (session) writeComparisonMeta(session.ydoc, m);
      index.touchComparison(props.doc, m, text, byMe);
    }
  };
  return (
    <NotePanel
      repo={props.repo}
      doc={props.doc}
      title={props.title}
      onLocalEdit={index ? (text, session) => record(text, true, session) : undefined}
      onSynced={index ? (text, canWrite) => canWrite && record(text, false) : undefined}
    />
  );
}

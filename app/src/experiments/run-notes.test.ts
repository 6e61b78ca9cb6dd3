import { describe, expect, it } from 'vitest';
import { cellText, NOTE_COLUMN } from './run-columns.ts';
import { filterRuns, sortRuns } from './run-table.ts';
import { runsToCsv } from './runs-csv.ts';
import { makeRuns } from './test-runs.test-support.ts';

describe("runs' notes in the runs table", () => {
  const runs = makeRuns(4);
  const [a, b, c] = runs.map((r) => r.id) as [string, string, string];
  const notes = new Map([
    [a, '# Baseline\n\nheavy augmentation, lr 3e-4'],
    [b, '\n\n## Wider decoder\nbeats the baseline on val'],
    [c, '   \n'],
  ]);

  it('shows the first non-empty line of a note, heading marks stripped; nothing without a note', () => {
    expect(runs.map((r) => cellText(r, NOTE_COLUMN, 'last', notes))).toEqual(['Baseline', 'Wider decoder', '', '']);
    expect(cellText(runs[0]!, NOTE_COLUMN)).toBe('');
  });

  it('filters on the whole note text, and finds the runs without a note', () => {
    const found = filterRuns(runs, "note ILIKE '%baseline%'", notes);
    expect(found.ok && found.runs.map((r) => r.id)).toEqual([a, b]);
    const augmented = filterRuns(runs, "note LIKE '%augmentation%'", notes);
    expect(augmented.ok && augmented.runs.map((r) => r.id)).toEqual([a]);
    const none = filterRuns(runs, "note = ''", new Map([[a, 'x']]));
    expect(none.ok && none.runs.length).toBe(3);
    const bad = filterRuns(runs, "note > 'a'", notes);
    expect(!bad.ok && bad.error.code).toBe('invalid_comparator');
  });

  it('sorts by the note, runs without one last in both directions', () => {
    const asc = sortRuns(runs, NOTE_COLUMN, 'asc', 'last', notes).map((r) => r.id);
    expect(asc.slice(0, 2)).toEqual([a, b]);
    const desc = sortRuns(runs, NOTE_COLUMN, 'desc', 'last', notes).map((r) => r.id);
    expect(desc.slice(0, 2)).toEqual([b, a]);
  });

  it('exports the first line to CSV', () => {
    expect(runsToCsv(runs.slice(0, 2), [NOTE_COLUMN], 'last', notes)).toBe('note\r\nBaseline\r\nWider decoder');
  });
});

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { docName } from './doc-names.ts';
import { noteFile, notePath, runIdOfDoc } from './notes-export.ts';

const frontMatter = (text: string) => parse(text.split('---\n')[1] as string) as Record<string, unknown>;

describe('notes as Markdown files', () => {
  it('writes a project note with its title, id, authors and last edit in front matter', () => {
    const note = {
      kind: 'note' as const,
      id: 'lq2x-abc',
      title: 'Augmentation: "crops" ideas',
      authors: ['ada', 'bob'],
      updatedAt: Date.UTC(2026, 10, 30, 9, 0),
      text: '# Crops\nhelp',
    };
    expect(notePath(note)).toBe('notes/augmentation-crops-ideas--lq2x-abc.md');
    const file = noteFile(note);
    expect(frontMatter(file)).toEqual({
      title: 'Augmentation: "crops" ideas',
      note: 'lq2x-abc',
      authors: ['ada', 'bob'],
      updated: '2026-11-30T09:00:00.000Z',
    });
    expect(file.endsWith('\n\n# Crops\nhelp\n')).toBe(true);
  });

  it("names run and commit notes by their run and commit, and reads a run id back from its note's name", () => {
    for (const id of ['a1b2c3', 'git:exp/1.2', 'é']) {
      expect(runIdOfDoc(docName({ kind: 'run', id }))).toBe(id);
    }
    expect(runIdOfDoc('commit-abc')).toBeNull();
    const run = { kind: 'run' as const, id: 'git:exp/1', text: 'ok\n' };
    expect(notePath(run)).toBe('notes/runs/git_exp_1.md');
    expect(frontMatter(noteFile(run))).toEqual({ run: 'git:exp/1' });
    const commit = { kind: 'commit' as const, sha: 'ab'.repeat(20), text: '' };
    expect(notePath(commit)).toBe(`notes/commits/${'ab'.repeat(20)}.md`);
    expect(noteFile(commit)).toBe(`---\ncommit: ${'ab'.repeat(20)}\n---\n\n`);
  });

  it('writes a comparison note with the compared runs, their names and the compare view in front matter', () => {
    const doc = docName({ kind: 'compare', runs: ['r2', 'r1'] });
    const note = {
      kind: 'compare' as const,
      doc,
      runs: ['r1', 'r2'],
      names: ['baseline', 'wider'],
      url: '/ada/seg/experiments/compare?runs=r1,r2&metric=val_iou',
      text: 'wider wins on val_iou',
    };
    expect(notePath(note)).toBe('notes/comparisons/compare-r1.r2.md');
    expect(frontMatter(noteFile(note))).toEqual({
      comparison: ['r1', 'r2'],
      names: ['baseline', 'wider'],
      url: '/ada/seg/experiments/compare?runs=r1,r2&metric=val_iou',
    });
    expect(noteFile(note).endsWith('\n\nwider wins on val_iou\n')).toBe(true);
  });
});

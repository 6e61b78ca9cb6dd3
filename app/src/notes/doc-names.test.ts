import { describe, expect, it } from 'vitest';
import { docName, NoteNameError, newNoteId } from './doc-names.ts';

const SERVER_DOC = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

describe('note document names', () => {
  it('names runs, commits and project notes as the server accepts them', () => {
    expect(docName({ kind: 'run', id: 'a1b2c3' })).toBe('run-a1b2c3');
    expect(docName({ kind: 'commit', sha: 'ABCDEF0123' })).toBe('commit-abcdef0123');
    expect(docName({ kind: 'note', id: 'lq2-abc' })).toBe('note-lq2-abc');
  });

  it('escapes run ids with other characters, and two different ids never share a document', () => {
    const a = docName({ kind: 'run', id: 'git:exp/1.2' });
    const b = docName({ kind: 'run', id: 'git\u03aexp/1.2' }); // ':e' and 'ή' once both read `_3ae`
    expect(a).toMatch(SERVER_DOC);
    expect(a).not.toContain('..');
    expect(a).not.toBe(b);
    expect(docName({ kind: 'run', id: 'é' })).toMatch(SERVER_DOC);
  });

  it('refuses ids that cannot name a note with a typed error', () => {
    expect(() => docName({ kind: 'commit', sha: '../../x' })).toThrow(NoteNameError);
    expect(() => docName({ kind: 'note', id: '../up' })).toThrow(NoteNameError);
    expect(() => docName({ kind: 'run', id: '' })).toThrow(NoteNameError);
    expect(() => docName({ kind: 'run', id: '/'.repeat(60) })).toThrow(/too long/);
  });

  it('names a comparison by its runs, in any order, as the server accepts it', () => {
    const ab = docName({ kind: 'compare', runs: ['b2', 'a1'] });
    expect(ab).toBe('compare-a1.b2');
    expect(docName({ kind: 'compare', runs: ['a1', 'b2', 'a1'] })).toBe(ab);
    expect(docName({ kind: 'compare', runs: ['a1'] })).not.toBe(ab);
    // `.` inside an id is escaped, so ['a.b'] and ['a', 'b'] stay apart.
    expect(docName({ kind: 'compare', runs: ['a.b'] })).not.toBe(docName({ kind: 'compare', runs: ['a', 'b'] }));
    expect(ab).toMatch(SERVER_DOC);
  });

  it('hashes a long selection into a stable name the server accepts', () => {
    const many = Array.from({ length: 40 }, (_, i) => `run-${i.toString().padStart(3, '0')}-0123456789abcdef`);
    const name = docName({ kind: 'compare', runs: many });
    expect(name).toMatch(/^compare_[0-9a-f]{64}$/);
    expect(name).toMatch(SERVER_DOC);
    expect(docName({ kind: 'compare', runs: [...many].reverse() })).toBe(name);
    expect(docName({ kind: 'compare', runs: many.slice(1) })).not.toBe(name);
    expect(() => docName({ kind: 'compare', runs: [] })).toThrow(NoteNameError);
  });

  it('makes new note ids the server accepts', () => {
    const id = newNoteId(1_700_000_000_000, () => 0.5);
    expect(docName({ kind: 'note', id })).toMatch(SERVER_DOC);
    expect(newNoteId()).not.toBe(newNoteId());
  });
});

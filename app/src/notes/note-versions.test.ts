import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  AUTO_VERSION_MS,
  listVersions,
  MAX_VERSIONS,
  maybeAutoVersion,
  restoreVersion,
  saveVersion,
} from './note-versions.ts';

describe('note versions', () => {
  it('saves versions on demand, skips unchanged text, keeps the newest', () => {
    const doc = new Y.Doc();
    const text = doc.getText('note');
    text.insert(0, 'first');
    expect(saveVersion(doc, 'ada', 1)).toBe(true);
    expect(saveVersion(doc, 'ada', 2)).toBe(false);
    for (let i = 0; i < MAX_VERSIONS + 5; i++) {
      text.insert(text.length, '.');
      saveVersion(doc, 'bob', 10 + i);
    }
    const all = listVersions(doc);
    expect(all).toHaveLength(MAX_VERSIONS);
    expect(all[0]?.at).toBe(10 + MAX_VERSIONS + 4);
  });

  it('takes automatic versions at most every few minutes', () => {
    const doc = new Y.Doc();
    doc.getText('note').insert(0, 'a');
    expect(maybeAutoVersion(doc, null, 1000)).toBe(true);
    doc.getText('note').insert(1, 'b');
    expect(maybeAutoVersion(doc, null, 1000 + AUTO_VERSION_MS - 1)).toBe(false);
    expect(maybeAutoVersion(doc, null, 1000 + AUTO_VERSION_MS)).toBe(true);
  });

  it('restores a version as an edit others receive, saving the text it replaces', () => {
    const ada = new Y.Doc();
    const bob = new Y.Doc();
    ada.on('update', (u: Uint8Array) => Y.applyUpdate(bob, u));
    const text = ada.getText('note');
    text.insert(0, '# Plan\nlr 1e-3\nbatch 32\n');
    saveVersion(ada, 'ada', 1);
    text.delete(7, 7);
    text.insert(7, 'lr 3e-4 (worse)');
    const old = listVersions(ada)[0];
    restoreVersion(ada, old as never, 'bob', 2);
    expect(bob.getText('note').toString()).toBe('# Plan\nlr 1e-3\nbatch 32\n');
    expect(listVersions(bob).map((v) => v.text)).toContain('# Plan\nlr 3e-4 (worse)\nbatch 32\n');
  });
});

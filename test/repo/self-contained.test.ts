import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands on its own: someone who clones it has nothing beside it, so no file may
 * send a reader or a test to a folder outside the checkout, and every fixture set says where it
 * came from.
 */
const root = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', '.git', 'dist', '.cairn', 'coverage', '.vite', '.tmp']);
// Spelled in pieces so this file does not match itself.
const OUTSIDE = [`..${'/'}shared`, `${'/'}work${'/'}`];

function* filesUnder(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('tmp-')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

describe('the repository is self-contained', () => {
  it('no file refers to a folder outside the checkout', () => {
    const offenders: string[] = [];
    for (const file of filesUnder(root)) {
      const rel = path.relative(root, file);
      if (rel.startsWith(`test${path.sep}fixtures${path.sep}`) || rel === 'package-lock.json') continue;
      const text = fs.readFileSync(file, 'latin1');
      for (const needle of OUTSIDE) if (text.includes(needle)) offenders.push(`${rel}: ${needle}`);
    }
    expect(offenders).toEqual([]);
  });

  it('every fixture set names its origin and licence', () => {
    const fixtures = path.join(root, 'test/fixtures');
    const sets = fs.readdirSync(fixtures, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets) {
      const notes = ['README.md', 'MANIFEST.md']
        .map((name) => path.join(fixtures, set.name, name))
        .filter((p) => fs.existsSync(p))
        .map((p) => fs.readFileSync(p, 'utf8'))
        .join('\n');
      expect(notes, `${set.name} has a README naming its source`).toMatch(/commit|repository/i);
      expect(notes, `${set.name} names its licence`).toMatch(/licen[cs]e/i);
    }
  });

  it('keeps fixture bytes exact (CRLF rows survive checkout)', () => {
    const csv = fs.readFileSync(path.join(root, 'test/fixtures/dagshub-logger-current/metrics.csv'), 'latin1');
    expect(csv.startsWith('Name,Value,Timestamp,Step\n')).toBe(true);
    expect(csv).toContain('\r\n');
  });

  it('the README links the architecture written in the repository', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain('docs/ARCHITECTURE.md');
    expect(fs.existsSync(path.join(root, 'docs/ARCHITECTURE.md'))).toBe(true);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The server's wiring stays explicit (issue 18): shared parts are built once by services.ts for
 * the composition root (cairn.ts), which only the entry points import, and no feature finds a
 * service through a hidden per-context lookup.
 */
const SRC = import.meta.dirname;

function sources(dir = SRC): { file: string; text: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) return [];
    return [{ file: path.relative(SRC, full), text: fs.readFileSync(full, 'utf8') }];
  });
}

describe('server composition', () => {
  const files = sources();

  it('only the entry points import the composition root', () => {
    const importers = files
      .filter((f) => /from '(\.\.?\/)+cairn\.ts'|from '\.\/cairn\.ts'/.test(f.text))
      .map((f) => f.file);
    expect(importers.sort()).toEqual(['index.ts', 'main.ts']);
  });

  it('no service is found through a per-context memo', () => {
    expect(files.filter((f) => /WeakMap<ServerContext/.test(f.text)).map((f) => f.file)).toEqual([]);
  });

  it.each([['settingsFromEnv('], ['makeMlflowStores('], ['makeAccess('], ['makeBlobStores('], ['makeImporter(']])(
    '%s is called by services.ts alone',
    (call) => {
      const callers = files.filter((f) => f.text.includes(call) && !f.text.includes(`export function ${call}`));
      expect(callers.map((f) => f.file)).toEqual(['services.ts']);
    },
  );
});

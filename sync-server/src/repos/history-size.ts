/**
 * How many bytes a repository's history takes on the server: its packs plus its loose objects,
 * from the file sizes alone (no git process, no object read). A full clone downloads about this
 * much, so the app can offer a "latest only" clone before starting one it cannot finish.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';

async function sizesIn(dir: string, keep: (name: string) => boolean): Promise<number> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return 0; // no such folder: nothing stored there
  }
  let total = 0;
  for (const name of names.filter(keep)) {
    total += await fsp.stat(path.join(dir, name)).then(
      (s) => (s.isFile() ? s.size : 0),
      () => 0, // removed meanwhile (a repack)
    );
  }
  return total;
}

/** Bytes of the objects of the bare repository at `gitDir` (packs and loose objects). */
export async function historyBytesOf(gitDir: string): Promise<number> {
  const objects = path.join(gitDir, 'objects');
  let total = await sizesIn(path.join(objects, 'pack'), (n) => n.endsWith('.pack'));
  let folders: string[] = [];
  try {
    folders = (await fsp.readdir(objects)).filter((n) => /^[0-9a-f]{2}$/.test(n));
  } catch {
    return total;
  }
  for (const folder of folders) total += await sizesIn(path.join(objects, folder), () => true);
  return total;
}

import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Copies a folder tree file by file, each file to a temp name then renamed, fsynced, so a copy
 * cut short never leaves a half file under a real name. Files that vanish while the copy runs
 * (a git auto-gc packing loose objects) are reported to the caller, which decides whether that
 * matters. Upload temp files (`.tmp-…`, `.cairn-upload-…`) are not copied: they are not data.
 */
export async function copyTree(from: string, to: string, skip: (name: string) => boolean = isTempName) {
  let files = 0;
  let bytes = 0;
  const vanished: string[] = [];
  async function walk(rel: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(path.join(from, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return void vanished.push(rel);
      throw err;
    }
    await fsp.mkdir(path.join(to, rel), { recursive: true });
    for (const e of entries) {
      if (skip(e.name)) continue;
      const r = path.join(rel, e.name);
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) {
        const copied = await copyFileAtomic(path.join(from, r), path.join(to, r));
        if (copied === null) vanished.push(r);
        else {
          files++;
          bytes += copied;
        }
      }
    }
  }
  await walk('');
  return { files, bytes, vanished };
}

export function isTempName(name: string): boolean {
  return name.startsWith('.tmp-') || name.startsWith('.cairn-upload-');
}

/** Copies one file through a temp name; null when the source no longer exists. */
export async function copyFileAtomic(src: string, dest: string): Promise<number | null> {
  const temp = `${dest}.partial-${process.pid}`;
  try {
    await fsp.copyFile(src, temp);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // fsync through a read-only handle: git's objects are copied with their 0444 mode.
  const h = await fsp.open(temp, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
  const st = await fsp.stat(src).catch(() => null);
  await fsp.rename(temp, dest);
  return st?.size ?? (await fsp.stat(dest)).size;
}

/** True when `dir` does not exist or holds nothing. */
export async function isEmptyOrAbsent(dir: string): Promise<boolean> {
  try {
    return (await fsp.readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

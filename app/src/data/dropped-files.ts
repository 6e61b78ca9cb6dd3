/**
 * Turns what the user dropped or picked into add targets: a dropped or picked folder becomes
 * one folder target (its files with paths relative to it), a loose file a file target.
 */

export interface PickedFolder {
  kind: 'folder';
  name: string;
  files: Array<{ relpath: string; file: File }>;
}
export interface PickedFile {
  kind: 'file';
  name: string;
  file: File;
}
export type Picked = PickedFolder | PickedFile;

/** Files from `<input type=file webkitdirectory>` or a multi-file input. */
export function pickedFromInput(files: FileList | readonly File[]): Picked[] {
  const folders = new Map<string, PickedFolder>();
  const loose: PickedFile[] = [];
  for (const file of Array.from(files)) {
    const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
    const slash = rel.indexOf('/');
    if (!rel || slash < 0) {
      loose.push({ kind: 'file', name: file.name, file });
      continue;
    }
    const top = rel.slice(0, slash);
    let folder = folders.get(top);
    if (!folder) {
      folder = { kind: 'folder', name: top, files: [] };
      folders.set(top, folder);
    }
    folder.files.push({ relpath: rel.slice(slash + 1), file });
  }
  return [...folders.values(), ...loose];
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    // readEntries returns at most ~100 entries per call: keep asking until it returns none.
    const more = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          more();
        }
      }, reject);
    more();
  });
}

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walk(
  entry: FileSystemEntry,
  prefix: string,
  out: Array<{ relpath: string; file: File }>,
): Promise<void> {
  if (entry.isFile) {
    out.push({ relpath: `${prefix}${entry.name}`, file: await fileOf(entry as FileSystemFileEntry) });
    return;
  }
  if (entry.isDirectory) {
    const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** Files and folders dropped onto the page (drag and drop keeps folder structure). */
export async function pickedFromDrop(transfer: DataTransfer): Promise<Picked[]> {
  const entries = Array.from(transfer.items)
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return pickedFromInput(transfer.files);
  const picked: Picked[] = [];
  for (const entry of entries) {
    if (entry.isFile) picked.push({ kind: 'file', name: entry.name, file: await fileOf(entry as FileSystemFileEntry) });
    else {
      const files: Array<{ relpath: string; file: File }> = [];
      const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
      for (const child of children) await walk(child, '', files);
      picked.push({ kind: 'folder', name: entry.name, files });
    }
  }
  return picked;
}

/// <reference lib="webworker" />
/**
 * The write side of opfs-file-thread.ts: each file opened through a sync access handle, its
 * pieces written in order, then flushed. A failure is answered once, as `failed`, and every
 * later piece of that file is handed back unwritten; `finish` after a failure answers `failed`
 * again, so the sender learns of it whichever message it waits on.
 */
import type { FileThreadRequest, FileThreadResponse } from './opfs-file-thread-protocol.ts';

interface OpenFile {
  folder: Promise<FileSystemDirectoryHandle>;
  name: string;
  handle: Promise<FileSystemSyncAccessHandle>;
  at: number;
  failure: { name: string; message: string } | null;
  /** This file's messages, one after another (opening is asynchronous; writes wait for it). */
  queue: Promise<void>;
}

const failureOf = (error: unknown) => ({
  name: (error as { name?: unknown })?.name === undefined ? 'Error' : String((error as { name: unknown }).name),
  message:
    (error as { message?: unknown })?.message === undefined
      ? String(error)
      : String((error as { message: unknown }).message),
});

export function fileThreadHandler(post: (message: FileThreadResponse, transfer?: Transferable[]) => void) {
  const files = new Map<number, OpenFile>();
  const folders = new Map<string, Promise<FileSystemDirectoryHandle>>();
  const folderOf = (name: string) => {
    let f = folders.get(name);
    if (!f) {
      f = navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(name, { create: true }));
      f.catch(() => folders.delete(name));
      folders.set(name, f);
    }
    return f;
  };
  const fail = (f: OpenFile, id: number, error: unknown) => {
    if (f.failure) return;
    f.failure = failureOf(error);
    post({ type: 'failed', file: id, ...f.failure });
  };

  const run = async (m: FileThreadRequest, f: OpenFile): Promise<void> => {
    if (m.type === 'write') {
      if (!f.failure) {
        try {
          const handle = await f.handle;
          const bytes = new Uint8Array(m.buffer, 0, m.length);
          // A sync handle may write fewer bytes than asked (a full disk throws instead in Chromium).
          for (let done = 0; done < bytes.byteLength; ) {
            const n = handle.write(bytes.subarray(done), { at: f.at });
            if (n <= 0) throw new DOMException('The file system accepted no more bytes.', 'QuotaExceededError');
            done += n;
            f.at += n;
          }
        } catch (error) {
          fail(f, m.file, error);
        }
      }
      post({ type: 'written', file: m.file, buffer: m.buffer }, [m.buffer]);
    } else if (m.type === 'finish') {
      files.delete(m.file);
      if (!f.failure) {
        try {
          (await f.handle).flush();
        } catch (error) {
          fail(f, m.file, error);
        }
      }
      // Closed either way: a failed file is then removed by the sender, which an open handle would refuse.
      await f.handle.then((h) => h.close()).catch(() => {});
      if (f.failure) post({ type: 'failed', file: m.file, ...f.failure });
      else post({ type: 'finished', file: m.file });
    } else if (m.type === 'discard') {
      files.delete(m.file);
      await f.handle.then((h) => h.close()).catch(() => {});
      await f.folder.then((dir) => dir.removeEntry(f.name)).catch(() => {});
      post({ type: 'discarded', file: m.file });
    }
  };

  return (m: FileThreadRequest): void => {
    if (m.type === 'open') {
      const folder = folderOf(m.folder);
      const handle = folder.then(async (dir) =>
        (await dir.getFileHandle(m.name, { create: true })).createSyncAccessHandle(),
      );
      const f: OpenFile = { folder, name: m.name, handle, at: 0, failure: null, queue: Promise.resolve() };
      handle.catch((error: unknown) => fail(f, m.file, error));
      files.set(m.file, f);
      return;
    }
    const f = files.get(m.file);
    if (!f) {
      // A file this worker does not know (it was restarted): say so rather than drop the message.
      if (m.type === 'write') post({ type: 'written', file: m.file, buffer: m.buffer }, [m.buffer]);
      if (m.type === 'discard') post({ type: 'discarded', file: m.file });
      else post({ type: 'failed', file: m.file, name: 'NotFoundError', message: 'The file being written was lost.' });
      return;
    }
    f.queue = f.queue.then(() => run(m, f));
  };
}

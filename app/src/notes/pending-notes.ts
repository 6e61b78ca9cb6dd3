/**
 * Notes with changes made on this device that the server has not had yet ("waiting to sync"),
 * kept across reloads in localStorage as `OWNER/REPO/DOC` keys. No Yjs here, so the top bar can
 * count them without loading the editor.
 */

const KEY = 'cairn.notes.pending';
const listeners = new Set<(count: number) => void>();

function read(): Set<string> {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

function write(keys: Set<string>): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify([...keys]));
  } catch {
    // storage full or blocked: the count is only lost for this tab's next reload
  }
  for (const l of listeners) l(keys.size);
}

export function pendingNotes(): string[] {
  return [...read()];
}

export function markPending(key: string): void {
  const keys = read();
  if (keys.has(key)) return;
  keys.add(key);
  write(keys);
}

export function clearPending(key: string): void {
  const keys = read();
  if (!keys.delete(key)) return;
  write(keys);
}

export function subscribePendingNotes(listener: (count: number) => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => e.key === KEY && listener(read().size);
  globalThis.addEventListener?.('storage', onStorage);
  return () => {
    listeners.delete(listener);
    globalThis.removeEventListener?.('storage', onStorage);
  };
}

/**
 * The app-wide sync summary the indicator shows: offline / up to date / syncing (with
 * progress) / needs attention. A tiny publish/subscribe with no storage imports, so the top
 * bar can show it without loading Dexie or git up front.
 */

export type SyncSummaryState = 'offline' | 'up-to-date' | 'syncing' | 'needs-attention' | 'pending';

export interface SyncSummary {
  state: SyncSummaryState;
  /** What is happening or what went wrong, in words. */
  detail: string;
  /** 0–1 while syncing data, when known. */
  progress: number | null;
}

let current: SyncSummary = { state: 'up-to-date', detail: '', progress: null };
const listeners = new Set<(s: SyncSummary) => void>();

export function getSyncSummary(): SyncSummary {
  return current;
}

export function publishSyncSummary(next: SyncSummary): void {
  current = next;
  for (const l of listeners) l(next);
}

export function subscribeSyncSummary(listener: (s: SyncSummary) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

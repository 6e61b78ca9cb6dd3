/**
 * Whether the server can be reached, as the pages should show it. `navigator.onLine` alone is
 * only a hint: it says true on a network with no route to the server, and a page loaded offline
 * from the service worker may say true with no network at all. So a failed request to the
 * server also counts (`markServerUnreachable`), until a request gets through or the browser
 * reports the network back. Reactive (a Solid signal) and free of storage imports, so the top
 * bar and any page can read it cheaply.
 */
import { createSignal } from 'solid-js';
import { APP_REQUEST, defaultServer } from './api.ts';

const [browserOnline, setBrowserOnline] = createSignal(globalThis.navigator?.onLine !== false);
const [serverReachable, setServerReachable] = createSignal(true);

/** True when the browser has a network and the server was not found unreachable since. Reactive. */
export function isOnline(): boolean {
  return browserOnline() && serverReachable();
}

/** The browser itself says it has no network. */
export function browserSaysOffline(): boolean {
  return globalThis.navigator?.onLine === false;
}

const listeners = new Set<() => void>();

/** Calls `listener` whenever isOnline() may have changed (for code outside Solid's tracking). */
export function onConnectivityChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setReachable(up: boolean): void {
  if (serverReachable() === up) return;
  setServerReachable(up);
  for (const l of listeners) l();
}

export function markServerUnreachable(): void {
  setReachable(false);
}

export function markServerReached(): void {
  setReachable(true);
}

/** Asks the server's health check; records and returns whether it answered. */
export async function probeServer(server = defaultServer()): Promise<boolean> {
  if (browserSaysOffline()) return false;
  try {
    const r = await fetch(`${server.replace(/\/+$/, '')}/healthz`, { cache: 'no-store', headers: APP_REQUEST });
    if (r.ok) markServerReached();
    else markServerUnreachable();
    return r.ok;
  } catch {
    markServerUnreachable();
    return false;
  }
}

let started = false;

/** Follows the browser's online/offline events from now on, takes the network's state now, and checks the server once. */
export function startConnectivity(): void {
  if (started || typeof globalThis.addEventListener !== 'function') return;
  started = true;
  // The network may have come back (or gone) between this module's first import and now — a
  // page loaded offline, then online before the lazily loaded sync engine started listening — with
  // its event missed: the pages would say "Offline" until the next one.
  setBrowserOnline(globalThis.navigator?.onLine !== false);
  for (const l of listeners) l();
  globalThis.addEventListener('online', () => {
    setBrowserOnline(true);
    for (const l of listeners) l();
    void probeServer();
  });
  globalThis.addEventListener('offline', () => {
    setBrowserOnline(false);
    for (const l of listeners) l();
  });
  void probeServer();
}

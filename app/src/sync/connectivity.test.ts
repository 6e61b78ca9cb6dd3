/**
 * The connectivity the pages show: a network that came back while nothing listened yet (a page
 * loaded offline from the service worker, online again before the lazily loaded sync engine
 * started) counts once the engine starts, with the server's health check answered by a real
 * HTTP server on 127.0.0.1; events after that are followed; a server that does not answer
 * counts as offline even with a network.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

let server: http.Server;
let healthy = true;
const events = new EventTarget();
const globals = globalThis as unknown as Record<string, unknown>;

beforeAll(async () => {
  server = http.createServer((req, res) => res.writeHead(req.url === '/healthz' && healthy ? 200 : 503).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  vi.stubGlobal('location', { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  vi.stubGlobal('navigator', { onLine: false });
  vi.stubGlobal('addEventListener', events.addEventListener.bind(events));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await new Promise((r) => server.close(r));
});

const setOnline = (online: boolean, event: boolean) => {
  (globals.navigator as { onLine: boolean }).onLine = online;
  if (event) events.dispatchEvent(new Event(online ? 'online' : 'offline'));
};

describe('connectivity', () => {
  it('sees a network that came back before it listened, follows events after, and checks the server', async () => {
    vi.resetModules();
    const c = await import('./connectivity.ts');
    expect(c.isOnline()).toBe(false);
    // The network comes back with no one listening yet: the event is lost.
    setOnline(true, true);
    expect(c.isOnline()).toBe(false);
    c.startConnectivity();
    expect(c.isOnline()).toBe(true);
    expect(await c.probeServer()).toBe(true);

    setOnline(false, true);
    expect(c.isOnline()).toBe(false);
    setOnline(true, true);
    expect(c.isOnline()).toBe(true);

    // A network but no server: offline until the server answers again.
    healthy = false;
    expect(await c.probeServer()).toBe(false);
    expect(c.isOnline()).toBe(false);
    healthy = true;
    expect(await c.probeServer()).toBe(true);
    expect(c.isOnline()).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe.skipIf(!e2eAvailable())('the app shell in Chromium', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;

  beforeAll(async () => {
    server = await startTestServer();
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('renders, registers its service worker, and still renders offline after a reload', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${server.url}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Repositories');

    // The service worker is installed, activated and has precached the shell.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${server.url}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });

    await chrome.context.setOffline(true);
    await page.reload();
    await expect(page.locator('h1').textContent()).resolves.toBe('Repositories');
    await expect.poll(() => page.getByTestId('connectivity').textContent(), { timeout: 20_000 }).toBe('Offline');

    // A deep link that was never visited renders offline too (SPA fallback in the worker).
    await page.goto(`${server.url}/demo/segmentation`);
    await expect(page.getByTestId('repo-title').textContent()).resolves.toBe('demo/segmentation');
    await chrome.context.setOffline(false);
  });

  it('serves a web manifest with installable icons', async () => {
    const res = await fetch(`${server.url}/manifest.webmanifest`);
    expect(res.status).toBe(200);
    const manifest = (await res.json()) as { name: string; display: string; icons: Array<{ sizes: string }> };
    expect(manifest.name).toBe('Cairn');
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { engineGate } from './engine-gate.ts';

/** Where the browser tests look for Chromium: CHROME_PATH, else Debian's package. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  return null;
}

export const chromiumPath = findChromium();

/** One line that says why browser tests are skipped and how to run them. */
export const CHROMIUM_MISSING_MESSAGE =
  'e2e tests skipped: no Chromium at CHROME_PATH or /usr/bin/chromium — install it with `apt-get install chromium` (or set CHROME_PATH) to run them.';

/**
 * True when e2e tests can run. Without a browser they are skipped with one clear line,
 * unless CAIRN_REQUIRE_E2E=1, where the missing browser is a failure.
 */
export const e2eAvailable = engineGate('CAIRN_REQUIRE_E2E', CHROMIUM_MISSING_MESSAGE, () => Boolean(chromiumPath));

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile, quiet about the internet it cannot reach. Pages open at
 * Playwright's default 1280×720 unless a viewport is given.
 */
export async function launchChromium({
  viewport,
}: {
  viewport?: { width: number; height: number };
} = {}): Promise<LaunchedBrowser> {
  if (!chromiumPath) throw new Error(CHROMIUM_MISSING_MESSAGE);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    ...(viewport ? { viewport } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const browser = context.browser() as Browser;
  return {
    browser,
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

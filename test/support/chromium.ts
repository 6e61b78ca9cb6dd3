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
  await watchForPagesBlanking(context);
  return {
    browser,
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A new context of `browser` (another person, a colour scheme, a viewport) whose pages are watched
 * for blanking as launchChromium's are: use it instead of `browser.newContext`.
 */
export async function newWatchedContext(
  browser: Browser,
  options?: Parameters<Browser['newContext']>[0],
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await watchForPagesBlanking(context);
  return context;
}

/**
 * In tests every page is watched for blanking and a blank fails the test it happened in
 * (test/e2e/blank-guard.ts); CAIRN_E2E_BLANKS=report only prints them, =off watches nothing.
 * Benches watch nothing unless told: the watcher's work would be in their figures.
 */
export function blankMode(): 'fail' | 'report' | 'off' {
  const mode = process.env.CAIRN_E2E_BLANKS ?? (process.env.VITEST ? 'fail' : 'off');
  if (mode === 'fail' || mode === 'report' || mode === 'off') return mode;
  throw new Error(`CAIRN_E2E_BLANKS is "${mode}": use fail, report or off`);
}

/** Blanks seen since the last call, each with its page's URL and timing (what blank-guard.ts checks). */
export function takeBlanks(): string[] {
  return blanksSeen.splice(0);
}
const blanksSeen: string[] = [];

/**
 * Every page of `context` watched, from its first script, for a page that blanks and comes back:
 * the repository or app page (`section.page`) taken out of the document and the same element put
 * back. That is the Layout's <Suspense> showing its fallback because a part loaded outside a
 * navigation (a re-read not in a transition, a resource read while it loads); a navigation puts a
 * new page in instead, so it is never counted. What it sees goes to `takeBlanks`, with the page's
 * URL, title and timing. Nothing is watched with CAIRN_E2E_BLANKS=off (and in benches).
 */
async function watchForPagesBlanking(context: BrowserContext): Promise<void> {
  if (blankMode() === 'off') return;
  await context.exposeBinding('__cairnPageBlanked', (_source, what: string) => {
    blanksSeen.push(`  ${what}`);
  });
  await context.addInitScript(() => {
    // The app's own document only (not a frame inside it).
    if (window !== window.top) return;
    const report = (window as unknown as { __cairnPageBlanked?: (what: string) => void }).__cairnPageBlanked;
    // When (and in which frame) each page element was taken out, and when the URL last changed.
    const removedAt = new WeakMap<Node, { at: number; frame: number }>();
    // The frame each page element was put in: one taken out in the same frame was never painted
    // (Solid may render a page and fall back at once while it first loads), so it is not a blank.
    const addedInFrame = new WeakMap<Node, number>();
    let frame = 0;
    const tick = () => {
      frame++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    let url = { href: location.href, at: performance.now() };
    const moved = () => {
      if (location.href !== url.href) url = { href: location.href, at: performance.now() };
    };
    for (const name of ['pushState', 'replaceState'] as const) {
      const original = history[name].bind(history);
      history[name] = (...args: Parameters<History['pushState']>) => {
        original(...args);
        moved();
      };
    }
    addEventListener('popstate', moved);
    const pagesIn = (n: Node): Element[] =>
      n instanceof Element ? [...(n.matches('section.page') ? [n] : []), ...n.querySelectorAll('section.page')] : [];
    new MutationObserver((records) => {
      const now = performance.now();
      for (const r of records) {
        for (const n of r.removedNodes)
          for (const p of pagesIn(n)) if (addedInFrame.get(p) !== frame) removedAt.set(p, { at: now, frame });
        for (const n of r.addedNodes)
          for (const p of pagesIn(n)) {
            const out = removedAt.get(p);
            addedInFrame.set(p, frame);
            removedAt.delete(p);
            // Put back in the frame it was taken out of: moved, never painted without it.
            if (out === undefined || out.frame === frame) continue;
            const title = p.querySelector('h1')?.textContent?.trim().slice(0, 60) ?? '';
            void report?.(
              `${location.href} ("${title}"): blank for ${Math.round(now - out.at)} ms, ${Math.round(out.at - url.at)} ms after the URL became this`,
            );
          }
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

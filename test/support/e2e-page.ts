/**
 * What the browser tests do to a page again and again: sign in through the app's own form, and
 * save the screenshots a person looks at (1400 and 390 px wide, light and dark).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Signs in as USER through the sign-in page, as a person would, and waits for the home page. A
 * refused sign-in throws with the server's status, so a wrong password in a test's setup reads as
 * that rather than as a timeout on the home page.
 */
export async function signIn(page: Page, serverUrl: string, user: string, password: string): Promise<void> {
  await page.goto(`${serverUrl}/sign-in`);
  await page.getByPlaceholder('user name').fill(user);
  await page.getByPlaceholder('password').fill(password);
  const session = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const status = (await session).status();
  if (status !== 201) throw new Error(`signing in as ${user} was answered ${status}, not 201`);
  await page.waitForURL(`${serverUrl}/`);
}

export interface ScreenshotOptions {
  /** The whole scrollable page rather than the first screen. */
  fullPage?: boolean;
  /** Run after each resize and theme switch, before the picture (e.g. reload and wait for a graph). */
  settle?: (page: Page) => Promise<void>;
}

/**
 * Saves NAME-WIDTH-SCHEME.png into DIR at 1400×900 and 390×844, light and dark, then puts the page
 * back to 1400 px, light. The theme is switched both as the app's toggle does (the root element's
 * `data-theme`, read when the app starts) and as the system would (`prefers-color-scheme`). Does
 * nothing without DIR, so tests call it unconditionally with `process.env.CAIRN_SHOTS`.
 */
export async function saveScreenshots(
  page: Page,
  dir: string | undefined,
  name: string,
  { fullPage = false, settle }: ScreenshotOptions = {},
): Promise<void> {
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const setScheme = async (scheme: 'light' | 'dark') => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate((s) => {
      document.documentElement.dataset.theme = s;
    }, scheme);
  };
  for (const scheme of ['light', 'dark'] as const) {
    for (const [width, height] of [
      [1400, 900],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await setScheme(scheme);
      if (settle) await settle(page);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(dir, `${name}-${width}-${scheme}.png`), fullPage });
    }
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  await setScheme('light');
}

/**
 * Clones OWNER/REPO from the server through the home page's clone form, as a person would, and
 * waits for the repository's page (the clone has finished when the app navigates there).
 */
export async function cloneInApp(page: Page, serverUrl: string, fullName: string): Promise<void> {
  await page.goto(`${serverUrl}/`);
  await page.getByTestId('clone-name').fill(fullName);
  await page.getByRole('button', { name: 'Clone' }).click();
  // The clone has failed when the page says so: fail with what it said, not with a bare timeout.
  const failed = page
    .getByTestId('repo-error')
    .waitFor({ timeout: 60_000 })
    .then(async () => {
      throw new Error(`cloning ${fullName} failed: ${await page.getByTestId('repo-error').textContent()}`);
    });
  failed.catch(() => {});
  try {
    await Promise.race([page.waitForURL(`${serverUrl}/${fullName}`, { timeout: 60_000 }), failed]);
  } catch (error) {
    const status = await page
      .getByRole('status')
      .allTextContents()
      .catch(() => []);
    throw new Error(`${(error as Error).message}\n(the page said: ${status.join(' | ') || 'nothing'})`);
  }
}

/**
 * Records, from now on, every removal of a node that is or holds `selector` (the repository's or
 * a page's frame by default); `blanked` gives them. A resource read while it loads again outside a
 * transition (a sync, a live run, a part loaded after the page) suspends the Layout's boundary,
 * which took the whole page away for a moment: a flash the user sees, and nothing else tells.
 */
export async function watchForBlanking(page: Page, selector = 'section.page'): Promise<void> {
  await page.evaluate((sel) => {
    const w = window as unknown as { blanked: string[] };
    w.blanked = [];
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.removedNodes)
          if (n instanceof Element && (n.matches(sel) || n.querySelector(sel)))
            w.blanked.push(n.outerHTML.slice(0, 60));
    }).observe(document.body, { childList: true, subtree: true });
  }, selector);
}

/** What watchForBlanking saw removed (the start of each node's HTML). */
export function blanked(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { blanked: string[] }).blanked);
}

/** A live note's lines as the person reads them, without the other people's cursor labels. */
export function noteText(page: Page): Promise<string> {
  return page.getByTestId('note-input').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.cm-ySelectionCaret')) caret.remove();
    return [...copy.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n');
  });
}

/** Types `text` at the end of the live note, as a person does (a click, Ctrl+End, keys). */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.getByTestId('note-input').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text, { delay: 5 });
}

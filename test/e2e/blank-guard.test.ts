/**
 * The blank guard itself (test/support/chromium.ts): a page element taken out and put back a
 * frame later is reported, in launchChromium's context and in one made by newWatchedContext; one
 * moved within a frame, or a new page element (a navigation), is not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blankMode,
  e2eAvailable,
  type LaunchedBrowser,
  launchChromium,
  newWatchedContext,
  takeBlanks,
} from '../support/chromium.ts';

const PAGE = '<!doctype html><title>guard</title><main><section class="page"><h1>Runs</h1></section></main>';

describe.skipIf(!e2eAvailable() || blankMode() === 'off')('blank guard', () => {
  let chrome: LaunchedBrowser;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    server?.close();
  });

  /** In the page: the page element taken out and put back after `frames` frames (0: in the same task). */
  const outAndBack = (page: Page, frames: number) =>
    page.evaluate(async (n) => {
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      await frame();
      await frame();
      const main = document.querySelector('main') as HTMLElement;
      const section = document.querySelector('section.page') as HTMLElement;
      section.remove();
      for (let i = 0; i < n; i++) await frame();
      main.append(section);
      await frame();
    }, frames);

  /** The blanks reported so far, once the page's reports had time to arrive. */
  const reported = async (page: Page) => {
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    return takeBlanks();
  };

  it('reports a page taken out and put back frames later, in either kind of context', async () => {
    const page = await chrome.context.newPage();
    await page.goto(url);
    await outAndBack(page, 3);
    const first = await reported(page);
    expect(first).toHaveLength(1);
    expect(first[0]).toContain(`${url} ("Runs"): blank for`);

    const other = await newWatchedContext(chrome.browser);
    const page2 = await other.newPage();
    await page2.goto(url);
    await outAndBack(page2, 3);
    expect(await reported(page2)).toHaveLength(1);
    await other.close();
  });

  it('does not report a move within one frame, nor a new page element put in', async () => {
    const page = await chrome.context.newPage();
    await page.goto(url);
    await outAndBack(page, 0);
    await page.evaluate(() => {
      const next = document.createElement('section');
      next.className = 'page';
      document.querySelector('section.page')?.replaceWith(next);
    });
    expect(await reported(page)).toEqual([]);
  });
});

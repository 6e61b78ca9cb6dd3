/**
 * A 2,000,000-row CSV in the real table viewer in Chromium: 48 M px of rows, past the
 * browser's ~33.5 M px element-height cap, so only the scaled scroll spacer reaches the end.
 * The viewer runs alone in the csv-open harness page (bench/csv-open), built with vite here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HarnessSite, serveCsvHarness } from '../../bench/csv-open/site.ts';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';

// What the harness page (bench/csv-open/main.tsx) exposes; the root project has no JSX to import it.
declare global {
  interface Window {
    mountPicked(): void;
  }
}

const ROWS = 2_000_000;
/** Chromium's largest layout size (2^25 px, less a little); a taller spacer is clipped. */
const CHROMIUM_MAX_HEIGHT = 33_554_400;

function writeCsv(file: string): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'id,label\n');
  const batch: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    batch.push(i === ROWS ? `${i},the last row` : `${i},r${i % 7}`);
    if (batch.length === 100_000) {
      fs.writeSync(fd, `${batch.join('\n')}\n`);
      batch.length = 0;
    }
  }
  if (batch.length) fs.writeSync(fd, `${batch.join('\n')}\n`);
  fs.closeSync(fd);
}

/** The cells of data row `n` (1-based) if it is drawn and inside the visible rows area, else null. */
async function visibleRow(page: Page, n: number): Promise<string[] | null> {
  return page.evaluate((n) => {
    const scroller = document.querySelector('[data-testid="csv-scroll"]') as HTMLElement;
    const head = scroller.querySelector('.csv-head') as HTMLElement;
    const row = scroller.querySelector(`.csv-row[data-row="${n}"]`);
    if (!row) return null;
    const box = row.getBoundingClientRect();
    const area = scroller.getBoundingClientRect();
    const top = head.getBoundingClientRect().bottom;
    const bottom = area.top + scroller.clientHeight;
    if (box.top < top - 0.5 || box.bottom > bottom + 0.5) return null;
    const cells = [...row.children].map((c) => c.textContent ?? '');
    return cells[1] ? cells : null;
  }, n);
}

async function waitForRow(page: Page, n: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const cells = await visibleRow(page, n);
    if (cells) return cells;
    await page.waitForTimeout(50);
  }
  const state = await page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="csv-scroll"]') as HTMLElement;
    const rows = [...scroller.querySelectorAll('.csv-row[data-row]')];
    const area = scroller.getBoundingClientRect();
    return JSON.stringify({
      top: scroller.scrollTop,
      sh: scroller.scrollHeight,
      ch: scroller.clientHeight,
      area: [area.top, area.bottom],
      rows: rows.slice(-3).map((r) => [r.getAttribute('data-row'), r.getBoundingClientRect().top, r.textContent]),
    });
  });
  throw new Error(`row ${n} never became visible: ${state}`);
}

describe.skipIf(!e2eAvailable())('a 2,000,000-row CSV in Chromium', () => {
  let chrome: LaunchedBrowser;
  let site: HarnessSite;
  let tmp: string;
  let page: Page;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-csv-large-'));
    const csv = path.join(tmp, 'big.csv');
    writeCsv(csv);
    site = await serveCsvHarness(path.join(tmp, 'site'));
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(site.url);
    await page.locator('#file').setInputFiles(csv);
    await page.evaluate(() => window.mountPicked());
    await page.getByText('2,000,000 rows × 2 columns').waitFor({ timeout: 60_000 });
    await page.getByTestId('csv-rows').waitFor();
  });

  afterAll(async () => {
    await chrome?.close();
    await site?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps the scroll height under the browser cap and starts at row 1', async () => {
    const height = await page.getByTestId('csv-scroll').evaluate((el) => el.scrollHeight);
    expect(height).toBeLessThan(CHROMIUM_MAX_HEIGHT);
    expect(height).toBeGreaterThan(1_000_000);
    expect(await waitForRow(page, 1)).toEqual(['1', '1', 'r1']);
  });

  it('shows the last row with its cells when the scroll bar is dragged to the bottom', async () => {
    await page.getByTestId('csv-scroll').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    expect(await waitForRow(page, ROWS)).toEqual(['2000000', '2000000', 'the last row']);
    // Halfway down the bar is halfway through the rows.
    await page.getByTestId('csv-scroll').evaluate((el) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
    });
    // The rows are redrawn on the scroll event's frame: wait for them, then check where they are.
    const shown = () =>
      page.$$eval('.csv-row[data-row]', (rows) => rows.map((r) => Number(r.getAttribute('data-row'))));
    await expect.poll(async () => Math.max(...(await shown())), { timeout: 10_000 }).toBeLessThan(ROWS * 0.51);
    const middle = await shown();
    expect(Math.min(...middle)).toBeGreaterThan(ROWS * 0.49);
    expect(Math.max(...middle)).toBeLessThan(ROWS * 0.51);
  });

  it('reaches the last row with End and moves one row at a time with the arrow keys', async () => {
    await page.getByTestId('csv-scroll').focus();
    await page.keyboard.press('Home');
    expect(await waitForRow(page, 1)).toEqual(['1', '1', 'r1']);
    await page.keyboard.press('End');
    expect(await waitForRow(page, ROWS)).toEqual(['2000000', '2000000', 'the last row']);
    await page.keyboard.press('ArrowUp');
    expect(await visibleRow(page, ROWS)).toBeNull(); // one row up: the last row is just below
    expect(await waitForRow(page, ROWS - 1)).toEqual(['1999999', '1999999', 'r1']);
    await page.keyboard.press('ArrowDown');
    expect(await waitForRow(page, ROWS)).toEqual(['2000000', '2000000', 'the last row']);
    await page.keyboard.press('PageUp');
    expect(await visibleRow(page, ROWS)).toBeNull();
    await page.keyboard.press('PageDown');
    expect(await waitForRow(page, ROWS)).toEqual(['2000000', '2000000', 'the last row']);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { saveScreenshots } from '../support/e2e-page.ts';
import { postJson } from '../support/post-json.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SHOTS = process.env.CAIRN_SHOTS; // a folder: also save screenshots there, to look at
const TOKEN = 'cairn_notes_values_admin_token_1';

describe.skipIf(!e2eAvailable())('live run values in notes, and the Notes tab at scale', () => {
  let server: TestServer;
  let chrome: LaunchedBrowser;
  let page: Page;
  let runId: string;
  const mlflow = '/admin/seg.mlflow/api/2.0/mlflow';

  const api = (p: string, body: unknown) => postJson(server.url, TOKEN, p, body);
  const logMetric = (key: string, value: number, step: number) =>
    api(`${mlflow}/runs/log-metric`, { run_id: runId, key, value, step, timestamp: Date.now() });

  const shoot = (name: string) => saveScreenshots(page, SHOTS, name);

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_TOKEN: TOKEN, CAIRN_YJS_MAX_PAYLOAD: String(8 * 1024 * 1024) });
    for (const name of ['seg', 'many']) {
      expect((await createRepo(server.url, TOKEN, { name, private: false })).status).toBe(201);
    }
    const exp = await api(`${mlflow}/experiments/create`, { name: 'unet' });
    const run = (await api(`${mlflow}/runs/create`, {
      experiment_id: exp.experiment_id,
      run_name: 'unet-lr3e-4',
      start_time: Date.now(),
    })) as { run: { info: { run_id: string } } };
    runId = run.run.info.run_id;
    await api(`${mlflow}/runs/log-parameter`, { run_id: runId, key: 'lr', value: '0.0003' });
    await logMetric('val_iou', 0.6412, 0);

    chrome = await launchChromium();
    page = await chrome.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${server.url}/sign-in`);
    await page.getByPlaceholder('user name').fill('admin');
    await page.getByLabel(/access token instead/).check();
    await page.getByPlaceholder('access token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/`);
  });
  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('a note shows a run’s metric and param, says which are missing, and follows new values', async () => {
    await page.goto(`${server.url}/admin/seg/notes`);
    const create = page.getByTestId('note-new');
    await expect.poll(() => create.isEnabled(), { timeout: 30_000 }).toBe(true);
    await create.click();
    await page.waitForURL(/\/admin\/seg\/notes\/[a-z0-9]+-[a-z0-9]+$/, { timeout: 30_000 });
    await page.getByTestId('note-title').fill('Learning rate sweep');
    await page.getByTestId('note-title').press('Enter');
    await page.getByTestId('note-input').click();
    await page.keyboard.type(
      `## UNet\n\nval IoU is run:${runId}/metrics.val_iou at lr run:${runId}/params.lr (run:${runId}). Dice: run:${runId}/metrics.val_dice.`,
      { delay: 2 },
    );
    await page.getByTestId('note-view-rendered').click();
    const value = (ref: string) => page.locator(`[data-testid=note-rendered] [data-ref="run:${runId}/${ref}"]`);
    await expect.poll(() => value('metrics.val_iou').textContent(), { timeout: 30_000 }).toBe('0.6412');
    expect(await value('params.lr').textContent()).toBe('0.0003');
    expect(await value('metrics.val_iou').getAttribute('href')).toBe(`/admin/seg/experiments/runs/${runId}`);
    expect(await value('metrics.val_dice').textContent()).toBe(`no metric val_dice on run ${runId}`);

    // The run logs on: the rendered note follows without a reload.
    await logMetric('val_iou', 0.7081, 1);
    await expect.poll(() => value('metrics.val_iou').textContent(), { timeout: 30_000 }).toBe('0.7081');
    await shoot('note-values');
    await logMetric('val_dice', 0.83, 1);
    await expect.poll(() => value('metrics.val_dice').textContent(), { timeout: 30_000 }).toBe('0.83');

    // The value is a link to the run.
    await value('metrics.val_iou').click();
    await page.waitForURL(`${server.url}/admin/seg/experiments/runs/${runId}`, { timeout: 30_000 });
  });

  it('the Notes tab with 10,000 notes lists them all and opens one', async () => {
    const ydoc = new Y.Doc();
    const provider = new WebsocketProvider(`${server.url.replace('http', 'ws')}/yjs/admin/many`, 'notes-index', ydoc, {
      params: { token: TOKEN },
      disableBc: true,
      WebSocketPolyfill: WebSocket as never,
    });
    await new Promise<void>((resolve) => provider.on('sync', (ok: boolean) => ok && resolve()));
    const map = ydoc.getMap('notes');
    for (let start = 0; start < 10_000; start += 1000) {
      ydoc.transact(() => {
        for (let i = start; i < start + 1000; i++) {
          map.set(`n${i}`, {
            title: `Sweep ${i}: learning rates`,
            createdAt: 1_700_000_000_000 + i,
            updatedAt: 1_700_000_000_000 + i * 1000,
            authors: ['admin'],
            excerpt: `Observations from run ${i}.`,
          });
        }
      });
    }
    await new Promise((r) => setTimeout(r, 1500));
    provider.destroy();

    await page.goto(`${server.url}/admin/many/notes`);
    await expect.poll(() => page.getByTestId('notes-count').textContent(), { timeout: 30_000 }).toBe('10000 notes');
    await expect.poll(() => page.getByTestId('note-row').first().textContent()).toMatch(/^Sweep 9999: learning rates/);
    await shoot('notes-tab-10k');
    // Every note is in the list: scrolled to its end, the oldest shows.
    await page.getByTestId('notes-list').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    const oldest = page.getByTestId('note-row').filter({ hasText: 'Sweep 0: learning rates' });
    await oldest.waitFor({ timeout: 10_000 });
    await oldest.click();
    await page.waitForURL(`${server.url}/admin/many/notes/n0`, { timeout: 10_000 });
    await expect
      .poll(() => page.getByTestId('note-title').inputValue(), { timeout: 10_000 })
      .toBe('Sweep 0: learning rates');
    // After a reload the list comes from this device.
    await page.reload();
    await expect.poll(() => page.getByTestId('notes-count').textContent(), { timeout: 30_000 }).toBe('10000 notes');
  });
});

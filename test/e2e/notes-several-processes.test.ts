/**
 * Live notes across processes (issue 15), in real Chromium: two people, each page served by a
 * different Cairn process of a cluster (PostgreSQL, Ceph's RADOS Gateway, HAProxy; test/support/
 * cluster.ts), type in one run's note; each sees the other's words live, and both end with the
 * same text. The processes share edits through PostgreSQL (LISTEN/NOTIFY), so a note's socket on
 * one process hears what arrives on the other. Skipped with one line per missing engine unless CI
 * requires them.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eAvailable, type LaunchedBrowser, launchChromium, newWatchedContext } from '../support/chromium.ts';
import { type Cluster, clusterAvailable, startCluster } from '../support/cluster.ts';
import { createRepo } from '../support/create-repo.ts';
import { noteText, typeAtEnd } from '../support/e2e-page.ts';
import { postJson } from '../support/post-json.ts';

const ADMIN_TOKEN = 'cairn_notes_cluster_admin_token_1';
const ADMIN_PASSWORD = 'notes-cluster-admin-pw';

describe.runIf(e2eAvailable() && clusterAvailable())('a live note co-edited through two processes', () => {
  let cluster: Cluster;
  let chrome: LaunchedBrowser;
  let runId: string;
  const api = (path: string, body: unknown) => postJson(cluster.url, ADMIN_TOKEN, path, body);
  const contexts: BrowserContext[] = [];

  /** Someone signed in on the app as process `i` serves it. */
  const personOn = async (i: number, username: string, password: string) => {
    const origin = cluster.backends[i]?.url as string;
    const context = await newWatchedContext(chrome.browser, { viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${origin}/sign-in`);
    await page.getByPlaceholder('user name').fill(username);
    await page.getByPlaceholder('password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/`);
    await page.goto(`${origin}/admin/notes/experiments/runs/${runId}`);
    await page.getByTestId('note-panel').getByTestId('note-input').waitFor({ timeout: 30_000 });
    return page;
  };

  beforeAll(async () => {
    cluster = await startCluster({
      processes: 2,
      env: { CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'notes', private: false })).status).toBe(201);
    await api('/api/v1/users', { username: 'bob', password: 'bob-password' });
    const collaborator = await fetch(`${cluster.url}/api/v1/repos/admin/notes/collaborators/bob`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ permission: 'write' }),
    });
    expect(collaborator.status).toBeLessThan(300);
    const mlflow = '/admin/notes.mlflow/api/2.0/mlflow';
    const exp = await api(`${mlflow}/experiments/create`, { name: 'seg' });
    const run = (await api(`${mlflow}/runs/create`, {
      experiment_id: exp.experiment_id,
      run_name: 'unet-lr3e-4',
      start_time: Date.now(),
    })) as { run: { info: { run_id: string } } };
    runId = run.run.info.run_id;
    chrome = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await chrome?.close();
    await cluster?.stop();
  }, 120_000);

  it('each sees the other type live, and both end with the same note', async () => {
    const ada = await personOn(0, 'admin', ADMIN_PASSWORD);
    const bob = await personOn(1, 'bob', 'bob-password');
    for (const page of [ada, bob]) {
      await expect.poll(() => page.getByTestId('note-status').textContent(), { timeout: 20_000 }).toBe('Live');
    }
    // Presence crosses processes too: each sees who else is here.
    await expect.poll(() => ada.getByTestId('note-presence').textContent(), { timeout: 20_000 }).toContain('bob');
    await expect.poll(() => bob.getByTestId('note-presence').textContent(), { timeout: 20_000 }).toContain('admin');

    await typeAtEnd(ada, 'Ada on the first process. ');
    await expect.poll(() => noteText(bob), { timeout: 20_000 }).toContain('Ada on the first process.');
    await typeAtEnd(bob, 'Bob on the second. ');
    await expect.poll(() => noteText(ada), { timeout: 20_000 }).toContain('Bob on the second.');
    // Both at once, at the same place: neither's keys are lost and the two copies converge. Keys
    // typed at one spot at the same moment may interleave (a CRDT keeps every key and each
    // person's order, not whole words), so the new text must be an interleaving of the two.
    const before = 'Ada on the first process. Bob on the second. ';
    await expect
      .poll(async () => (await noteText(ada)) === before && (await noteText(bob)) === before, { timeout: 20_000 })
      .toBe(true);
    const [adaWords, bobWords] = ['Ada again. ', 'Bob again. '];
    await Promise.all([typeAtEnd(ada, adaWords), typeAtEnd(bob, bobWords)]);
    const settled = before.length + adaWords.length + bobWords.length;
    await expect
      .poll(
        async () => {
          const [a, b] = [await noteText(ada), await noteText(bob)];
          return a === b && a.length === settled;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    const merged = await noteText(ada);
    expect(merged.startsWith(before), merged).toBe(true);
    expect(interleaves(merged.slice(before.length), adaWords, bobWords), merged).toBe(true);
  }, 120_000);
});

/** Whether `merged` is `a` and `b` shuffled together, each keeping its own order (and nothing else). */
function interleaves(merged: string, a: string, b: string): boolean {
  if (merged.length !== a.length + b.length) return false;
  // can[j]: the first i + j characters of merged are a's first i and b's first j, interleaved.
  let can = Array.from({ length: b.length + 1 }, (_, j) => merged.startsWith(b.slice(0, j)));
  for (let i = 1; i <= a.length; i++) {
    const next = new Array<boolean>(b.length + 1).fill(false);
    for (let j = 0; j <= b.length; j++) {
      const c = merged[i + j - 1];
      next[j] = (can[j] === true && a[i - 1] === c) || (j > 0 && next[j - 1] === true && b[j - 1] === c);
    }
    can = next;
  }
  return can[b.length] === true;
}

/**
 * Live notes in real Chromium against the real server: two people (two browser contexts) type
 * in one run's note; one goes offline and keeps typing while the other does too; on reconnect
 * both see every character; a reload offline shows the merged note; a read-only collaborator
 * sees it live but cannot change it, and so does a signed-out visitor. Then presence leaves with a closed tab, and a revoked
 * token closes the note's socket with the page saying so. The Notes tab: new, rename, live
 * list, offline search, history (diff, restore), delete, and saving the notes to the repository
 * (checked with the git CLI).
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSocket } from '../integration/yjs-clients.ts';
import { chromiumPath, e2eAvailable, newWatchedContext } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { noteText, typeAtEnd } from '../support/e2e-page.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'cairn_notes_live_admin_token_01';
const ADMIN_PASSWORD = 'notes-live-admin-pw';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.skipIf(!e2eAvailable())('live notes', () => {
  let server: TestServer;
  let browser: Browser;
  let runId: string;
  const contexts: BrowserContext[] = [];

  const api = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${init.token ?? ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    });
    expect(res.status, `${init.method ?? 'GET'} ${path}`).toBeLessThan(300);
    const text = await res.text();
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const person = async (username: string, password: string, kind: 'password' | 'token' = 'password') => {
    const context = await newWatchedContext(browser, { viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/sign-in`);
    await page.getByPlaceholder('user name').fill(username);
    if (kind === 'token') await page.getByLabel(/access token instead/).check();
    await page.getByPlaceholder(kind === 'password' ? 'password' : 'access token').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    return { context, page };
  };

  const openRunNote = async (page: Page) => {
    await page.goto(`${server.url}/admin/notes/experiments/runs/${runId}`);
    const panel = page.getByTestId('note-panel');
    await panel.getByTestId('note-input').waitFor({ timeout: 30_000 });
    return panel;
  };

  beforeAll(async () => {
    server = await startTestServer({
      CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
      CAIRN_YJS_RECHECK_MS: '1000',
      // Lower than the default 1 MiB, so a change under the editor's own cap can still be refused.
      CAIRN_YJS_MAX_PAYLOAD: '262144',
    });
    expect((await createRepo(server.url, ADMIN_TOKEN, { name: 'notes', private: false })).status).toBe(201);
    for (const [username, permission] of [
      ['bob', 'write'],
      ['carol', 'read'],
    ] as const) {
      await api('/api/v1/users', {
        method: 'POST',
        body: JSON.stringify({ username, password: `${username}-password` }),
      });
      await api(`/api/v1/repos/admin/notes/collaborators/${username}`, {
        method: 'PUT',
        body: JSON.stringify({ permission }),
      });
    }
    const mlflow = '/admin/notes.mlflow/api/2.0/mlflow';
    const exp = await api(`${mlflow}/experiments/create`, { method: 'POST', body: JSON.stringify({ name: 'seg' }) });
    const run = (await api(`${mlflow}/runs/create`, {
      method: 'POST',
      body: JSON.stringify({ experiment_id: exp.experiment_id, run_name: 'unet-lr3e-4', start_time: Date.now() }),
    })) as { run: { info: { run_id: string } } };
    runId = run.run.info.run_id;
    browser = await chromium.launch({ executablePath: chromiumPath as string, headless: true, args: FLAGS });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it('two people type, one offline; both see every character; reload offline; a reader cannot change it', async () => {
    const ada = await person('admin', ADMIN_PASSWORD);
    const bob = await person('bob', 'bob-password');

    const adaNote = await openRunNote(ada.page);
    const bobNote = await openRunNote(bob.page);
    await expect.poll(() => adaNote.getByTestId('note-status').textContent(), { timeout: 20_000 }).toBe('Live');
    await expect.poll(() => bobNote.getByTestId('note-status').textContent(), { timeout: 20_000 }).toBe('Live');
    // Each sees the other is here, by account name.
    await expect.poll(() => adaNote.getByTestId('note-presence').textContent(), { timeout: 20_000 }).toContain('bob');
    await expect.poll(() => bobNote.getByTestId('note-presence').textContent(), { timeout: 20_000 }).toContain('admin');

    await typeAtEnd(ada.page, 'Ada online one. ');
    await expect.poll(() => noteText(bob.page), { timeout: 20_000 }).toContain('Ada online one.');
    await typeAtEnd(bob.page, 'Bob online two. ');
    await expect.poll(() => noteText(ada.page), { timeout: 20_000 }).toContain('Bob online two.');

    // Ada loses the network and keeps typing; Bob keeps typing too.
    await ada.context.setOffline(true);
    await expect.poll(() => adaNote.getByTestId('note-status').textContent(), { timeout: 20_000 }).toMatch(/^Offline/);
    await typeAtEnd(ada.page, 'Ada offline three. ');
    await typeAtEnd(bob.page, 'Bob meanwhile four. ');
    await expect
      .poll(() => adaNote.getByTestId('note-status').getAttribute('data-pending'), { timeout: 20_000 })
      .toBe('true');
    await expect
      .poll(() => ada.page.getByTestId('notes-waiting').textContent(), { timeout: 20_000 })
      .toContain('1 note waiting to sync');
    // Bob's words reach the server, Ada's stay on her device while she is offline.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await noteText(bob.page)).not.toContain('Ada offline three.');
    expect(await noteText(ada.page)).not.toContain('Bob meanwhile four.');

    await ada.context.setOffline(false);
    const all = ['Ada online one.', 'Bob online two.', 'Ada offline three.', 'Bob meanwhile four.'];
    for (const page of [ada.page, bob.page]) {
      for (const words of all) await expect.poll(() => noteText(page), { timeout: 30_000 }).toContain(words);
    }
    expect(await noteText(ada.page)).toBe(await noteText(bob.page));
    await expect.poll(() => ada.page.getByTestId('notes-waiting').count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => adaNote.getByTestId('note-status').textContent(), { timeout: 20_000 }).toBe('Live');
    const merged = await noteText(ada.page);

    // Offline again, a reload opens the merged note from the device.
    await ada.context.setOffline(true);
    await ada.page.reload();
    await ada.page.getByTestId('note-input').waitFor({ timeout: 30_000 });
    await expect.poll(() => noteText(ada.page), { timeout: 20_000 }).toBe(merged);
    await expect.poll(() => ada.page.getByTestId('note-status').textContent(), { timeout: 20_000 }).toMatch(/^Offline/);
    // The rendered view shows it too.
    await ada.page.getByTestId('note-view-rendered').click();
    await expect
      .poll(() => ada.page.getByTestId('note-rendered').textContent(), { timeout: 20_000 })
      .toContain('Bob meanwhile four.');
    await ada.context.setOffline(false);

    // Carol may only read: she sees the note live, is told why she cannot type, and cannot change it.
    const carol = await person('carol', 'carol-password');
    const carolNote = await openRunNote(carol.page);
    await expect.poll(() => noteText(carol.page), { timeout: 20_000 }).toBe(merged);
    expect(await carolNote.getByTestId('note-readonly').textContent()).toMatch(/read access.*cannot change it/);
    expect(await carolNote.getByTestId('note-input').getAttribute('contenteditable')).toBe('false');
    await carol.page.getByTestId('note-input').click();
    await carol.page.keyboard.type('Carol was here', { delay: 5 });
    await typeAtEnd(bob.page, 'Bob last five.');
    await expect.poll(() => noteText(carol.page), { timeout: 20_000 }).toContain('Bob last five.');
    expect(await noteText(carol.page)).not.toContain('Carol');
    expect(await noteText(bob.page)).not.toContain('Carol');

    // A visitor who is not signed in reads the public repository's note live, and is told how to write.
    const visitor = await newWatchedContext(browser);
    contexts.push(visitor);
    const guest = await visitor.newPage();
    const guestNote = await openRunNote(guest);
    await expect.poll(() => noteText(guest), { timeout: 20_000 }).toContain('Bob last five.');
    expect(await guestNote.getByTestId('note-readonly').textContent()).toMatch(/visitor.*sign in/);
    expect(await guestNote.getByTestId('note-input').getAttribute('contenteditable')).toBe('false');
    for (const c of contexts.splice(0)) await c.close();
  });

  it("a closed tab's presence goes within seconds, and a revoked token closes the note's socket with the page saying so", async () => {
    const session = (await (
      await fetch(`${server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'bob', password: 'bob-password' }),
      })
    ).json()) as { token: string };
    const created = await api('/api/v1/user/tokens', {
      method: 'POST',
      token: session.token,
      body: JSON.stringify({ name: 'laptop' }),
    });
    const token = String(created.token);
    const tokenId = String(created.id);
    const ada = await person('admin', ADMIN_PASSWORD);
    const bob = await person('bob', token, 'token');
    const adaNote = await openRunNote(ada.page);
    const bobNote = await openRunNote(bob.page);
    await expect.poll(() => bobNote.getByTestId('note-status').textContent(), { timeout: 20_000 }).toBe('Live');

    // A second tab of Bob's joins, then closes: Ada sees it leave within seconds.
    const extra = await bob.context.newPage();
    await openRunNote(extra);
    await expect.poll(() => adaNote.getByTestId('note-peer').count(), { timeout: 20_000 }).toBe(3);
    await extra.close();
    await expect.poll(() => adaNote.getByTestId('note-peer').count(), { timeout: 5_000 }).toBe(2);

    await api(`/api/v1/user/tokens/${tokenId}`, { method: 'DELETE', token: session.token });
    await expect
      .poll(() => bobNote.getByTestId('note-problem').textContent(), { timeout: 20_000 })
      .toMatch(/no longer valid.*sign in again/);
    await expect.poll(() => bobNote.getByTestId('note-status').textContent()).toBe('Not syncing');
    await expect
      .poll(() => adaNote.getByTestId('note-presence').textContent(), { timeout: 10_000 })
      .not.toContain('bob');
  });

  it('the Notes tab: new notes, rename, live list for others, search offline, history, delete, save to the repository', async () => {
    const ada = await person('admin', ADMIN_PASSWORD);
    const bob = await person('bob', 'bob-password');
    await bob.page.goto(`${server.url}/admin/notes/notes`);
    await expect.poll(() => bob.page.getByTestId('notes-count').textContent(), { timeout: 20_000 }).toBe('0 notes');
    await ada.page.goto(`${server.url}/admin/notes`);
    await ada.page.getByRole('link', { name: 'Notes', exact: true }).click();
    await ada.page.waitForURL(`${server.url}/admin/notes/notes`);

    const write = async (title: string, text: string) => {
      await ada.page.getByTestId('note-new').click();
      await ada.page.waitForURL(/\/admin\/notes\/notes\/[a-z0-9]+-[a-z0-9]+$/);
      await ada.page.getByTestId('note-title').fill(title);
      await ada.page.getByTestId('note-title').press('Enter');
      await typeAtEnd(ada.page, text);
    };
    await write('Augmentation ideas', 'Random crops help the small classes.');
    await write('Dataset v2', 'The labels of batch 7 are wrong.');
    // Bob's list follows without a reload, last edited first, with who wrote them.
    await expect
      .poll(() => bob.page.getByTestId('note-row').allTextContents(), { timeout: 20_000 })
      .toEqual([expect.stringMatching(/^Dataset v2.*admin/), expect.stringMatching(/^Augmentation ideas.*admin/)]);

    await expect
      .poll(() => ada.page.getByTestId('note-row').first().textContent(), { timeout: 10_000 })
      .toContain('The labels of batch 7 are wrong.');
    // Offline, search still finds notes by their text.
    await ada.context.setOffline(true);
    await ada.page.reload();
    await expect.poll(() => ada.page.getByTestId('notes-count').textContent(), { timeout: 20_000 }).toBe('2 notes');
    await ada.page.getByTestId('notes-search').fill('batch 7');
    await expect
      .poll(() => ada.page.getByTestId('note-row').allTextContents())
      .toEqual([expect.stringMatching(/^Dataset v2/)]);
    expect(await ada.page.getByTestId('notes-count').textContent()).toBe('1 of 2 notes match');
    await ada.page.getByTestId('notes-search').fill('');
    await ada.context.setOffline(false);

    // History: keep a version, change the note, see what changed since, restore it for everyone.
    await ada.page.getByTestId('note-row').filter({ hasText: 'Dataset v2' }).click();
    await ada.page.getByTestId('note-input').waitFor();
    await ada.page.getByTestId('note-view-history').click();
    await ada.page.getByTestId('note-save-version').click();
    await ada.page.getByRole('button', { name: 'Markdown', exact: true }).click();
    await typeAtEnd(ada.page, ' Relabelled by Bob.');
    await ada.page.getByTestId('note-view-history').click();
    await ada.page.getByTestId('note-version').first().click();
    const diff = ada.page.getByTestId('note-diff');
    await expect
      .poll(() => diff.locator('.diff-del').allTextContents())
      .toEqual(['− The labels of batch 7 are wrong.']);
    expect(await diff.locator('.diff-add').allTextContents()).toEqual([
      '+ The labels of batch 7 are wrong. Relabelled by Bob.',
    ]);
    await ada.page.getByTestId('note-restore').click();
    await bob.page.getByTestId('note-row').filter({ hasText: 'Dataset v2' }).click();
    await expect.poll(() => noteText(bob.page), { timeout: 20_000 }).toBe('The labels of batch 7 are wrong.');

    // Delete, after saying yes.
    ada.page.once('dialog', (d) => void d.accept());
    await ada.page.getByTestId('note-row').filter({ hasText: 'Augmentation ideas' }).click();
    await ada.page.waitForURL(/\/notes\/[A-Za-z0-9-]+$/);
    const deletedId = ada.page.url().split('/').at(-1) as string;
    await ada.page.getByTestId('note-delete').click();
    await expect
      .poll(() => bob.page.getByTestId('note-row').allTextContents(), { timeout: 20_000 })
      .toEqual([expect.stringMatching(/^Dataset v2/)]);
    // Gone from the server too: its document is refused as deleted (4410), so no copy comes back.
    const socket = rawSocket(server.url, `/yjs/admin/notes/note-${deletedId}?token=${ADMIN_TOKEN}`);
    await expect.poll(async () => (await socket.closed).code, { timeout: 20_000 }).toBe(4410);

    // The long now: the notes become Markdown files in a commit made in the browser, pushed like any change.
    await ada.page.getByTestId('notes-save').click();
    await expect
      .poll(() => ada.page.getByTestId('notes-saved').textContent(), { timeout: 60_000 })
      // The project note, and the run note typed in the first test (the notes index lists it, so it is
      // saved though this new browser context never opened it).
      .toMatch(/^Saved 2 notes under notes\/ in commit [0-9a-f]{7}/);
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-notes-clone-'));
    const host = new URL(server.url).host;
    const noteFileText = async () => {
      fs.rmSync(clone, { recursive: true, force: true });
      await run('git', ['clone', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/notes.git`, clone]).catch(() => {});
      const dir = path.join(clone, 'notes');
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.md')) : [];
      return files.length === 1 ? `${files[0]}\n${fs.readFileSync(path.join(dir, files[0] as string), 'utf8')}` : '';
    };
    await expect
      .poll(noteFileText, { timeout: 60_000, interval: 2000 })
      .toMatch(
        /^dataset-v2--[a-z0-9]+-[a-z0-9]+\.md\n---\ntitle: Dataset v2\nnote: [a-z0-9-]+\nauthors:\n {2}- admin\nupdated: [0-9T:.Z-]+\n---\n\nThe labels of batch 7 are wrong\.\n$/,
      );
    fs.rmSync(clone, { recursive: true, force: true });
    for (const c of contexts.splice(0)) await c.close();
  });
  it('refuses in the editor a change too large to sync, and pauses (not loops) when the server refuses one', async () => {
    const ada = await person('admin', ADMIN_PASSWORD);
    const note = await openRunNote(ada.page);
    await expect.poll(() => note.getByTestId('note-status').textContent(), { timeout: 20_000 }).toBe('Live');
    const before = await noteText(ada.page);
    await ada.page.getByTestId('note-input').click();
    await ada.page.keyboard.press('Control+End');
    await ada.page.keyboard.insertText('x'.repeat(1_000_000));
    await expect
      .poll(() => note.getByTestId('note-problem').textContent(), { timeout: 20_000 })
      .toMatch(/1\.0 MB; a note takes at most 900 KB at once/);
    expect(await noteText(ada.page)).toBe(before);
    expect(await note.getByTestId('note-status').textContent()).toBe('Live');

    // Under the editor's cap, over this server's 256 KiB message limit: the server closes with 1009.
    const sockets: string[] = [];
    ada.page.on('websocket', (ws) => sockets.push(ws.url()));
    await ada.page.keyboard.insertText('y'.repeat(400_000));
    await expect
      .poll(() => note.getByTestId('note-problem').textContent(), { timeout: 20_000 })
      .toMatch(/syncing this note is paused: what you wrote stays on this device/);
    await expect.poll(() => note.getByTestId('note-status').textContent()).toBe('Not syncing');
    const opened = sockets.length;
    await ada.page.waitForTimeout(3_000);
    expect(sockets.length, 'no reconnect loop').toBe(opened);
    expect(await noteText(ada.page)).toContain('y'.repeat(1000));
  });
});

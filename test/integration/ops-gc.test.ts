import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GcReport, gc } from '../../sync-server/src/ops/gc.ts';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { basicAuth, md5Of, putObject, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { type PushedProject, pushProject } from '../support/ops-project.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * `cairn-server gc` on a real server's folder, with a history built by the git CLI: objects
 * named through branches, an older commit, a tag, `refs/exps/*`, `refs/stash`, a reflog entry,
 * `dvc.lock` and a `.dir` manifest are kept; objects no history names and older than the grace
 * are removed, exactly those; a push racing the GC loses nothing; an unreadable repository stops
 * the GC before anything is removed.
 */
const TOKEN = 'cairn_test_admin_token_gc_00001';
process.env.CAIRN_ADMIN_PASSWORD = 'admin-password-gc';
process.env.CAIRN_ADMIN_TOKEN = TOKEN;
const AUTH = basicAuth('admin', TOKEN);
const TWO_DAYS = 2 * 24 * 3600 * 1000;

let server: TestServer;
let work: string;
let project: PushedProject;
/** Objects some ref or reflog of admin/proj names, by what names them. */
const kept = new Map<string, Buffer>();
/** Objects nothing names. */
const dead = new Map<string, Buffer>();
let young: { md5: string; bytes: Buffer };

const git = async (args: string[], cwd = project.clone) => {
  const r = await runGit(args, { home: work, cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
  return r.stdout.trim();
};
const blobFile = (md5: string) => path.join(server.dataDir, 'blobs', 'md5', md5.slice(0, 2), md5.slice(2));

async function upload(label: string): Promise<{ md5: string; bytes: Buffer }> {
  const bytes = Buffer.from(`${label} `.repeat(50));
  const md5 = md5Of(bytes);
  expect(await putObject(server.url, AUTH, 'admin/proj', v3Path(md5), bytes)).toBe(200);
  return { md5, bytes };
}

/** Writes NAME.dvc pointing at the object and commits it on the current branch. */
async function commitPointer(name: string, obj: { md5: string; bytes: Buffer }, cwd = project.clone) {
  fs.writeFileSync(
    path.join(cwd, `${name}.dvc`),
    `outs:\n- md5: ${obj.md5}\n  size: ${obj.bytes.length}\n  hash: md5\n  path: ${name}\n`,
  );
  await git(['add', `${name}.dvc`], cwd);
  await git(['commit', '-q', '-m', `track ${name}`], cwd);
}

/** Makes every object and index row look two days old, as if uploaded long ago. */
function age(except: string[] = []) {
  const old = new Date(Date.now() - TWO_DAYS);
  const root = path.join(server.dataDir, 'blobs');
  for (const rel of fs.readdirSync(root, { recursive: true }) as string[]) {
    const file = path.join(root, rel);
    if (fs.statSync(file).isFile() && !except.some((m) => file.endsWith(m.slice(2)))) fs.utimesSync(file, old, old);
  }
  const db = new Database(path.join(server.dataDir, 'cairn.db'));
  db.pragma('busy_timeout = 5000');
  const placeholders = except.map(() => '?').join(',');
  db.prepare(`UPDATE dvc_objects SET created_at = ? WHERE oid NOT IN (${placeholders || "''"})`).run(
    old.getTime(),
    ...except,
  );
  db.close();
}

async function gcJson(...args: string[]) {
  const r = await cairnServer(['gc', '--json', '--data', server.dataDir, ...args]);
  if (r.code === 2 && !r.stdout) throw new Error(r.stderr);
  return { code: r.code, report: JSON.parse(r.stdout) as GcReport };
}

async function download(md5: string): Promise<{ status: number; md5?: string }> {
  const res = await fetch(`${server.url}/admin/proj.dvc/${v3Path(md5)}`, { headers: { Authorization: AUTH } });
  const body = Buffer.from(await res.arrayBuffer());
  return res.status === 200 ? { status: 200, md5: md5Of(body) } : { status: res.status };
}

const api = (method: string, p: string, body?: unknown) =>
  fetch(`${server.url}/api/v1${p}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-gc-test-'));
  expect((await api('POST', '/repos', { name: 'proj', private: true })).status).toBe(201);
  project = await pushProject(server.url, 'admin', TOKEN, 'admin/proj', work);
  kept.set(project.csv.md5, project.csv.bytes);
  kept.set(project.legacy.md5, project.legacy.bytes);
  for (const e of project.dir.entries) kept.set(e.md5, e.bytes);

  // main moves on: data.csv now points at a new object; the first one stays named by history.
  const csv2 = await upload('csv version 2');
  await commitPointer('data.csv', csv2);
  // dvc.lock on main names its own output.
  const lockOut = await upload('model trained');
  fs.writeFileSync(
    path.join(project.clone, 'dvc.lock'),
    `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: ${lockOut.md5}\n      size: ${lockOut.bytes.length}\n`,
  );
  await git(['add', 'dvc.lock']);
  await git(['commit', '-q', '-m', 'lock']);
  await git(['push', '-q', 'origin', 'main']);
  for (const o of [csv2, lockOut]) kept.set(o.md5, o.bytes);

  // A branch, a tag on a commit no branch holds, an experiment ref, a stash.
  const onBranch = await upload('on branch exp');
  await git(['checkout', '-q', '-b', 'exp']);
  await commitPointer('exp', onBranch);
  await git(['push', '-q', 'origin', 'exp']);
  const onTag = await upload('on tag v1');
  await git(['checkout', '-q', '--detach', 'main']);
  await commitPointer('tagged', onTag);
  await git(['tag', 'v1']);
  await git(['push', '-q', 'origin', 'refs/tags/v1']);
  const onExp = await upload('on refs/exps');
  await git(['checkout', '-q', '--detach', 'main']);
  await commitPointer('dvc-exp', onExp);
  await git(['push', '-q', 'origin', 'HEAD:refs/exps/ab/cdef0123/exp-1']);
  const inStash = await upload('in stash');
  await git(['checkout', '-q', 'main']);
  fs.writeFileSync(
    path.join(project.clone, 'data.csv.dvc'),
    `outs:\n- md5: ${inStash.md5}\n  size: ${inStash.bytes.length}\n  hash: md5\n  path: data.csv\n`,
  );
  await git(['stash', '-q']);
  // receive-pack refuses to create refs/stash remotely ("funny refname"), but an imported mirror
  // brings one along: put it in the bare repository as a mirror fetch would.
  await git(['push', '-q', 'origin', 'refs/stash:refs/heads/stash-carrier']);
  const bare = path.join(server.dataDir, 'git', '1.git');
  await git(['update-ref', 'refs/stash', await git(['rev-parse', 'refs/stash'])], bare);
  await git(['update-ref', '-d', 'refs/heads/stash-carrier'], bare);
  // Only a reflog entry: branch tmp named it, then was forced back to main.
  const inReflog = await upload('only in a reflog');
  await git(['checkout', '-q', '-b', 'tmp']);
  await commitPointer('tmp', inReflog);
  await git(['push', '-q', 'origin', 'tmp']);
  await git(['push', '-q', '--force', 'origin', 'main:tmp']);
  for (const o of [onBranch, onTag, onExp, inStash, inReflog]) kept.set(o.md5, o.bytes);

  // Dead: uploaded and never committed; and named only by a branch since deleted (its reflog goes with it).
  const neverCommitted = await upload('never committed');
  const deletedBranch = await upload('on a deleted branch');
  await git(['checkout', '-q', '-b', 'gone', 'main']);
  await commitPointer('gone', deletedBranch);
  await git(['push', '-q', 'origin', 'gone']);
  await git(['push', '-q', 'origin', '--delete', 'gone']);
  await git(['checkout', '-q', 'main']);
  for (const o of [neverCommitted, deletedBranch]) dead.set(o.md5, o.bytes);

  // Young: just uploaded, its commit not pushed yet.
  young = await upload('just uploaded');
  age([young.md5]);
});
afterAll(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('cairn-server gc', () => {
  it('--dry-run names exactly the unreferenced objects and their bytes, and removes nothing', async () => {
    const { code, report } = await gcJson('--dry-run', '--grace', '3600');
    expect(code).toBe(0);
    expect(report.aborted).toBeNull();
    expect(report.objects.map((o) => o.md5).sort()).toEqual([...dead.keys()].sort());
    expect(report.bytes).toBe([...dead.values()].reduce((n, b) => n + b.length, 0));
    for (const md5 of dead.keys()) expect(fs.existsSync(blobFile(md5))).toBe(true);
    const human = await cairnServer(['gc', '--dry-run', '--grace', '3600', '--data', server.dataDir]);
    expect(human.stdout).toContain(`would remove 2 objects, ${report.bytes} bytes`);
  });

  it('removes exactly those; everything any ref, tag, stash, experiment or reflog names stays servable', async () => {
    const { code, report } = await gcJson('--grace', '3600');
    expect(code).toBe(0);
    expect(report.objects.map((o) => o.md5).sort()).toEqual([...dead.keys()].sort());
    expect(report.indexRowsRemoved).toBe(2);
    for (const md5 of dead.keys()) {
      expect(fs.existsSync(blobFile(md5))).toBe(false);
      expect((await download(md5)).status).toBe(404);
    }
    for (const [md5] of kept) {
      if (md5 === project.legacy.md5) continue; // a DVC 2 object: served at its DVC 2 path
      expect(await download(md5)).toEqual({ status: 200, md5 });
    }
    const legacy = await fetch(
      `${server.url}/admin/proj.dvc/${project.legacy.md5.slice(0, 2)}/${project.legacy.md5.slice(2)}`,
      { headers: { Authorization: AUTH } },
    );
    expect(legacy.status).toBe(200);
    expect(await download(young.md5)).toEqual({ status: 200, md5: young.md5 });
    // The remote no longer claims what it dropped, so a client would push it again.
    const missing = await fetch(`${server.url}/admin/proj.dvc/missing`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ oids: [...dead.keys(), ...kept.keys()].filter((m) => m !== project.legacy.md5) }),
    });
    expect(((await missing.json()) as { missing: string[] }).missing.sort()).toEqual([...dead.keys()].sort());
    const check = await cairnServer(['fsck', '--json', '--data', server.dataDir]);
    expect(JSON.parse(check.stdout).problems).toEqual([]);
    expect(check.code).toBe(0);
  });

  it('never loses an object that a push re-uploads and commits while gc runs', async () => {
    const racing: Array<{ md5: string; bytes: Buffer }> = [];
    for (let i = 0; i < 8; i++) racing.push(await upload(`racing object ${i}`));
    age(); // old and unreferenced: exactly what gc removes
    let gcRuns = 0;
    let restored = 0;
    let pushing = true;
    const gcLoop = (async () => {
      while (pushing || gcRuns < 2) {
        const { code, report } = await gcJson('--grace', '3600');
        expect(code).toBe(0);
        gcRuns++;
        restored += report.restored.length;
      }
    })();
    for (const [i, obj] of racing.entries()) {
      // What `dvc push` + `git push` do: send the object, then the commit naming it.
      expect(await putObject(server.url, AUTH, 'admin/proj', v3Path(obj.md5), obj.bytes)).toBe(200);
      await commitPointer(`racing-${i}`, obj);
      await git(['push', '-q', 'origin', 'main']);
    }
    pushing = false;
    await gcLoop;
    await gcJson('--grace', '0');
    for (const obj of racing) expect(await download(obj.md5)).toEqual({ status: 200, md5: obj.md5 });
    expect(gcRuns).toBeGreaterThanOrEqual(2);
    console.log(`gc race: ${gcRuns} gc runs alongside 8 pushes, ${restored} objects put back, 0 lost`);
  });

  it('keeps an object uploaded again, or named by a commit pushed, at the moment gc removes it', async () => {
    // Both old and unreferenced when gc reads the repositories.
    const reUploaded = await upload('uploaded again mid-gc');
    const namedMidway = await upload('named by a push mid-gc');
    const foundPresent = await upload('found present mid-gc, committed after');
    age();
    let fired = false;
    const report = await gc(server.dataDir, {
      graceSeconds: 3600,
      async onProgress(phase) {
        if (phase !== 'removing' || fired) return;
        fired = true;
        // Right before the first removal: one client uploads an object again (its commit comes
        // later); another finds its object present, skips the upload and pushes the commit.
        expect(await putObject(server.url, AUTH, 'admin/proj', v3Path(reUploaded.md5), reUploaded.bytes)).toBe(200);
        await commitPointer('named-midway', namedMidway);
        await git(['push', '-q', 'origin', 'main']);
        // A third asks the batch call, is told the object is there, and pushes its commit later.
        const asked = await fetch(`${server.url}/admin/proj.dvc/missing`, {
          method: 'POST',
          headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
          body: JSON.stringify({ oids: [foundPresent.md5] }),
        });
        expect(await asked.json()).toEqual({ missing: [] });
      },
    });
    expect(fired).toBe(true);
    expect(report.restored.sort()).toEqual([reUploaded.md5, namedMidway.md5, foundPresent.md5].sort());
    expect(report.objects.map((o) => o.md5)).not.toContain(reUploaded.md5);
    await commitPointer('re-uploaded', reUploaded);
    await commitPointer('found-present', foundPresent);
    await git(['push', '-q', 'origin', 'main']);
    for (const obj of [reUploaded, namedMidway, foundPresent]) {
      expect(await download(obj.md5)).toEqual({ status: 200, md5: obj.md5 });
    }
    const missing = await fetch(`${server.url}/admin/proj.dvc/missing`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ oids: [reUploaded.md5, namedMidway.md5, foundPresent.md5] }),
    });
    expect(await missing.json()).toEqual({ missing: [] });
  });

  it('stops without removing anything when one repository cannot be read', async () => {
    expect((await api('POST', '/repos', { name: 'broken', private: true })).status).toBe(201);
    const other = await pushProject(server.url, 'admin', TOKEN, 'admin/broken', work, 'broken');
    const stray = await upload('dead but gc must stop');
    age();
    // Remove a commit object from the bare repository: its history can no longer be read.
    const head = await git(['rev-parse', 'HEAD'], other.clone);
    const repoId = Number(((await (await api('GET', '/repos/admin/broken')).json()) as { id?: number }).id ?? 2);
    fs.rmSync(path.join(server.dataDir, 'git', `${repoId}.git`, 'objects', head.slice(0, 2), head.slice(2)));
    const { code, report } = await gcJson('--grace', '0');
    expect(code).toBe(2);
    expect(report.aborted?.repo).toBe('admin/broken');
    expect(report.objects).toEqual([]);
    expect(fs.existsSync(blobFile(stray.md5))).toBe(true);
    const human = await cairnServer(['gc', '--grace', '0', '--data', server.dataDir]);
    expect(human.code).toBe(2);
    expect(human.stdout).toContain('gc stopped: nothing was removed');
  });
});

/**
 * "Copy to my account" (`POST /api/v1/repos/O/R/copy`, sync-server/src/repos/copy-repo.ts) on a
 * repository of some size: `BENCH_COPY_COMMITS` commits (default 5,000, one file each, made with
 * `git fast-import`) and `BENCH_COPY_OBJECTS` DVC objects in its remote's index (default
 * 100,000). Baselines in the same run: creating an empty repository through the API (the fixed
 * cost of a new repository) and a bare `git clone --mirror` of the same folder (the git floor).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startTestServer } from '../test/support/server.ts';
import { measure, report } from './lib.ts';

const COMMITS = Number(process.env.BENCH_COPY_COMMITS ?? 5000);
const OBJECTS = Number(process.env.BENCH_COPY_OBJECTS ?? 100_000);
const TOKEN = 'cairn_bench_admin_token_repo_copy';
const run = promisify(execFile);

const server = await startTestServer({ CAIRN_ADMIN_TOKEN: TOKEN, CAIRN_ADMIN_PASSWORD: 'bench-admin-password' });
const api = async (p: string, body: unknown) => {
  const res = await fetch(`${server.url}/api/v1${p}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`${p}: ${res.status} ${await res.text()}`);
};
await api('/repos', { name: 'source', private: true });

// The source's history, written straight into its bare folder.
const db = new Database(path.join(server.dataDir, 'cairn.db'));
const { id } = db.prepare("SELECT id FROM repositories WHERE name = 'source'").get() as { id: number };
const gitDir = path.join(server.dataDir, 'git', `${id}.git`);
await new Promise<void>((resolve, reject) => {
  const fi = spawn('git', ['fast-import', '--quiet'], {
    env: { ...process.env, GIT_DIR: gitDir },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  fi.on('error', reject);
  fi.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`))));
  for (let i = 1; i <= COMMITS; i++) {
    const msg = `commit ${i}\n`;
    const file = `value ${i}\n${randomBytes(64).toString('hex')}\n`;
    fi.stdin.write(
      `commit refs/heads/main\ncommitter Bench <b@example.org> ${1_700_000_000 + i} +0000\ndata ${msg.length}\n${msg}` +
        `M 100644 inline data/part-${i % 500}.txt\ndata ${file.length}\n${file}\n`,
    );
  }
  fi.stdin.end();
});
// The source's DVC index (the bytes are shared by hash; the copy copies only these rows).
const insert = db.prepare('INSERT INTO dvc_objects (repo_id, oid, size, created_at) VALUES (?, ?, ?, ?)');
db.transaction(() => {
  for (let i = 0; i < OBJECTS; i++) insert.run(id, randomBytes(16).toString('hex'), 1000 + i, Date.now());
})();
db.close();

let n = 0;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-copy-'));
const empty = await measure('create an empty repository (API)', () => api('/repos', { name: `empty-${++n}` }), {
  runs: 7,
});
const mirror = await measure(
  'git clone --mirror of the same folder',
  () => run('git', ['clone', '--mirror', '--quiet', gitDir, path.join(scratch, `m-${++n}.git`)]),
  { runs: 7 },
);
const copy = await measure('copy to my account (API)', () => api('/repos/admin/source/copy', { name: `copy-${++n}` }), {
  runs: 7,
});
report(`Copy a repository of ${COMMITS} commits and ${OBJECTS} DVC objects`, empty, [mirror, copy], {
  'copy vs the git floor': `${(copy.medianMs / mirror.medianMs).toFixed(2)}× the time of a bare git clone --mirror`,
});
fs.rmSync(scratch, { recursive: true, force: true });
await server.stop();

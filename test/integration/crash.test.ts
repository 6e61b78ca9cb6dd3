import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServer } from '../support/spawn-server.ts';

/**
 * Crash safety (RELIABILITY F1): the server process is SIGKILLed while uploads are part-way
 * through, then restarted on the same data folder. Every stored object must hash to its name,
 * no temp file may survive the restart or be served, and the client's retry must succeed.
 */
const TOKEN = 'cairn_test_admin_token_crash_001';
const AUTH = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;
const ENV = { CAIRN_ADMIN_PASSWORD: 'admin-password-crash', CAIRN_ADMIN_TOKEN: TOKEN };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-crash-'));
let server: SpawnedServer | null = null;
afterAll(async () => {
  await server?.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const objectUrl = (base: string, h: string) => `${base}/admin/data.dvc/files/md5/${h.slice(0, 2)}/${h.slice(2)}`;

function allBlobFiles(): string[] {
  const root = path.join(dataDir, 'blobs', 'md5');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .map((f) => path.join(root, f))
    .filter((f) => fs.statSync(f).isFile());
}

/** Starts an upload that sends `sent` bytes of `body` then stalls, never finishing. */
function stalledUpload(url: string, body: Buffer, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'PUT', headers: { Authorization: AUTH } });
    req.on('error', () => {}); // the server is about to die under it
    req.write(body.subarray(0, sent), () => resolve());
  });
}

function upload(url: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { Authorization: AUTH } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('SIGKILL during uploads', () => {
  it('leaves only complete, verified objects; temps are swept; retries succeed', async () => {
    server = await spawnServer(dataDir, ENV);
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'data', private: true }),
    });
    expect(created.status).toBe(201);

    const complete = randomBytes(200_000);
    expect(await upload(objectUrl(server.url, md5(complete)), complete)).toBe(200);

    // Kill points: 0 bytes in, ~1%, ~50%, ~99% of 4 MiB objects.
    const bodies = [0, 0.01, 0.5, 0.99].map((f) => ({ body: randomBytes(4 * 1024 * 1024), f }));
    await Promise.all(
      bodies.map(({ body, f }) => stalledUpload(objectUrl(server!.url, md5(body)), body, Math.floor(body.length * f))),
    );
    // Wait until the server has opened a temp file for every stalled upload.
    const temps = () => allBlobFiles().filter((f) => path.basename(f).startsWith('.tmp-'));
    for (let i = 0; i < 200 && temps().length < bodies.length; i++) await new Promise((r) => setTimeout(r, 50));
    const tempsBeforeRestart = temps();
    await server.kill();
    expect(tempsBeforeRestart.length).toBe(bodies.length);

    server = await spawnServer(dataDir, ENV);
    const files = allBlobFiles();
    expect(files.filter((f) => path.basename(f).startsWith('.tmp-'))).toEqual([]);
    for (const f of files) {
      const name = path.basename(path.dirname(f)) + path.basename(f);
      expect(md5(fs.readFileSync(f))).toBe(name);
    }
    const ok = await fetch(objectUrl(server.url, md5(complete)), { headers: { Authorization: AUTH } });
    expect(md5(Buffer.from(await ok.arrayBuffer()))).toBe(md5(complete));
    for (const { body } of bodies) {
      const h = md5(body);
      expect((await fetch(objectUrl(server.url, h), { headers: { Authorization: AUTH } })).status).toBe(404);
      expect(await upload(objectUrl(server.url, h), body)).toBe(200);
      const back = await fetch(objectUrl(server.url, h), { headers: { Authorization: AUTH } });
      expect(md5(Buffer.from(await back.arrayBuffer()))).toBe(h);
    }
  });
});

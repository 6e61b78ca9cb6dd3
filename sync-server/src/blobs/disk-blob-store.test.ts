import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runBlobStoreConformance } from './blob-store-conformance.ts';
import { makeDiskBlobStore } from './disk-blob-store.ts';
import { uploadTempName } from './upload-temp-names.ts';

runBlobStoreConformance('disk', async ({ algorithm }) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-blobs-'));
  return {
    store: makeDiskBlobStore(root, { algorithm }),
    cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});

describe('sweep, with other processes sharing the folder', () => {
  const DAY = 24 * 3600 * 1000;
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-blobs-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const kept = createHash('md5').update('kept').digest('hex');
  const folder = () => path.join(root, kept.slice(0, 2));
  /** A temp file as process `pid` of this host names it, last written `ageMs` ago. */
  const leftover = (pid: number, ageMs = 0): string => {
    const name = uploadTempName().replace(`-${process.pid}-`, `-${pid}-`);
    const file = path.join(folder(), name);
    fs.writeFileSync(file, 'half an upload');
    const at = new Date(Date.now() - ageMs);
    fs.utimesSync(file, at, at);
    return name;
  };
  /** The id of a process that ran and ended. */
  const endedPid = (): number => {
    const r = spawnSync(process.execPath, ['-e', '']);
    if (r.pid === undefined || r.status !== 0) throw new Error('could not run node');
    return r.pid;
  };

  it('removes temp files whose writer is gone or that nobody wrote to for a day, and only those', async () => {
    const store = makeDiskBlobStore(root);
    await store.write(kept, Readable.from([Buffer.from('kept')]));
    const ofEnded = leftover(endedPid());
    // This test's parent (vitest's main process) runs: its upload may be in progress.
    const ofRunning = leftover(process.ppid);
    const stalled = leftover(process.ppid, DAY + 60_000);
    // Named before writers were recorded in the name: only its age tells.
    fs.writeFileSync(path.join(folder(), '.tmp-deadbeefdeadbeef'), 'half an upload');
    expect(await store.sweep()).toBe(2);
    const left = fs.readdirSync(folder()).sort();
    expect(left).toEqual([kept.slice(2), ofRunning, '.tmp-deadbeefdeadbeef'].sort());
    expect(left).not.toContain(ofEnded);
    expect(left).not.toContain(stalled);
  });

  it('does not cut an upload in progress when another store on the folder starts', async () => {
    const writer = makeDiskBlobStore(root);
    const body = Buffer.from('bytes that arrive slowly');
    const md5 = createHash('md5').update(body).digest('hex');
    const source = new PassThrough();
    const written = writer.write(md5, source);
    source.write(body.subarray(0, 5));
    // The temp file exists once the first bytes are in.
    await vi.waitFor(() => expect(fs.readdirSync(path.join(root, md5.slice(0, 2)))).toHaveLength(1), {
      timeout: 5000,
    });
    expect(await makeDiskBlobStore(root).sweep()).toBe(0);
    source.end(body.subarray(5));
    expect(await written).toEqual({ size: body.length, created: true });
    expect(await buffer(writer.read(md5))).toEqual(body);
  });
});

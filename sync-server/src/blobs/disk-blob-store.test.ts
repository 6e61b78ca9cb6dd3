import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runBlobStoreConformance } from './blob-store-conformance.ts';
import { makeDiskBlobStore } from './disk-blob-store.ts';

runBlobStoreConformance('disk', async ({ algorithm }) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-blobs-'));
  return {
    store: makeDiskBlobStore(root, { algorithm }),
    cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});

it('sweeps temp files left by an interrupted write, and only those', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-blobs-'));
  try {
    const store = makeDiskBlobStore(root);
    const md5 = createHash('md5').update('kept').digest('hex');
    await store.write(md5, (await import('node:stream')).Readable.from([Buffer.from('kept')]));
    fs.writeFileSync(path.join(root, md5.slice(0, 2), '.tmp-deadbeef'), 'half an upload');
    expect(await store.sweep()).toBe(1);
    expect(fs.readdirSync(path.join(root, md5.slice(0, 2)))).toEqual([md5.slice(2)]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

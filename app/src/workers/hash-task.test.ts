import { createHash, randomBytes } from 'node:crypto';
import { hashWasmMd5 } from '@cairn/core/hash';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../storage/blob-store.ts';
import { objectId } from '../storage/blob-store.ts';
import { makeDb } from '../storage/db.ts';
import { DexieBlobStore } from '../storage/dexie-blob-store.ts';
import { hashBatch, hashStreamed, readPieces, STREAM_BUFFER_BYTES, type TaskContext } from './hash-task.ts';

let dbCount = 0;
const freshStore = () => new DexieBlobStore(makeDb(`hash-task-test-${++dbCount}`));
const md5hex = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function context(store: BlobStore | null, cancelled = () => false): TaskContext & { progressed: number } {
  const ctx = {
    store,
    md5: hashWasmMd5(),
    cancelled,
    progressed: 0,
    progress: (n: number) => {
      ctx.progressed += n;
    },
  };
  return ctx;
}

/** A byte stream that hands out `bytes` in pieces of `piece` bytes (not a Blob: any length). */
function defaultStream(bytes: Uint8Array, piece: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(at, at + piece));
        at += piece;
      }
    },
  });
}

describe('hashStreamed', () => {
  it('hashes and stores a file of several read buffers exactly as md5 does', async () => {
    const bytes = randomBytes(2 * STREAM_BUFFER_BYTES + 12_345);
    const store = freshStore();
    const ctx = context(store);
    const outcome = await hashStreamed(7, new Blob([bytes]), ctx);
    expect(outcome).toEqual({
      type: 'done',
      results: [{ id: 7, md5: md5hex(bytes), size: bytes.length, isNew: true }],
    });
    expect(ctx.progressed).toBe(bytes.length);
    const back = await store.get(objectId('md5', md5hex(bytes)));
    expect(back && md5hex(back)).toBe(md5hex(bytes));
    // The same bytes again: hashed, not stored twice.
    const again = await hashStreamed(8, new Blob([bytes]), context(store));
    expect(again.type === 'done' && again.results[0]?.isNew).toBe(false);
  });

  it('hashes without storing when there is no store', async () => {
    const bytes = randomBytes(1000);
    const outcome = await hashStreamed(0, new Blob([bytes]), context(null));
    expect(outcome.type === 'done' && outcome.results[0]?.md5).toBe(md5hex(bytes));
  });

  it('stops between pieces on cancel and leaves nothing stored', async () => {
    const bytes = randomBytes(3 * STREAM_BUFFER_BYTES);
    const store = freshStore();
    // Cancelled once a whole row has gone to the store, so a write is undone too.
    const ctx = context(store, () => ctx.progressed >= STREAM_BUFFER_BYTES);
    const outcome = await hashStreamed(0, new Blob([bytes]), ctx);
    expect(outcome).toEqual({ type: 'cancelled', stored: [] });
    expect(await store.usage()).toEqual({ count: 0, bytes: 0 });
    expect(await store.sweep(-1)).toBe(0); // no orphaned rows either
  });
});

/** A byte stream that hands out `bytes` up to `stallAt`, then never answers a read again. */
function stallingStream(bytes: Uint8Array, stallAt: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (at >= stallAt) return new Promise<void>(() => {});
      const end = Math.min(stallAt, at + 65_536);
      controller.enqueue(new Uint8Array(bytes.subarray(at, end))); // a copy: enqueue detaches its buffer
      at = end;
    },
  });
}

/**
 * A Blob whose stream stalls at `stallAt`, as Chromium's very rarely does. Its slices read
 * normally, or stall again at their start when `always`; `slicedAt` lists where they began.
 */
class StallingBlob extends Blob {
  readonly slicedAt: number[] = [];
  constructor(
    private readonly content: Uint8Array<ArrayBuffer>,
    private readonly stallAt: number,
    private readonly always = false,
  ) {
    super([content]);
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return stallingStream(this.content, this.stallAt) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
  override slice(start = 0): Blob {
    this.slicedAt.push(start);
    const rest = this.content.subarray(start);
    return this.always ? new StallingBlob(rest, 0, true) : new Blob([rest]);
  }
}

describe('readPieces', () => {
  it('reads a stream that is not a byte stream the default way, every byte in order', async () => {
    const bytes = randomBytes(100_000);
    const seen: Uint8Array[] = [];
    const complete = await readPieces(
      defaultStream(bytes, 4096),
      (p) => void seen.push(p.slice()),
      () => false,
    );
    expect(complete).toBe(true);
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
  });

  it('reuses one buffer for a byte stream and still yields every byte in order', async () => {
    const bytes = randomBytes(3 * 65_536 + 5);
    const seen: Uint8Array[] = [];
    const complete = await readPieces(
      new Blob([bytes]).stream(),
      (p) => void seen.push(p.slice()),
      () => false,
      { bufferBytes: 65_536 },
    );
    expect(complete).toBe(true);
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
  });

  it('reads a Blob again from where it stopped when a read stalls, every byte once and in order', async () => {
    const bytes = randomBytes(5 * 65_536 + 17);
    const blob = new StallingBlob(bytes, 2 * 65_536 + 100);
    const seen: Uint8Array[] = [];
    const complete = await readPieces(
      blob,
      (p) => void seen.push(p.slice()),
      () => false,
      {
        bufferBytes: 65_536,
        stallMs: 50,
      },
    );
    expect(complete).toBe(true);
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
    expect(blob.slicedAt).toEqual([2 * 65_536 + 100]);
  });

  it('gives up with a read error naming the byte when a Blob stalls at the same place every time', async () => {
    const bytes = randomBytes(4 * 65_536);
    const blob = new StallingBlob(bytes, 65_536, true);
    const failure = readPieces(
      blob,
      () => {},
      () => false,
      { bufferBytes: 65_536, stallMs: 20 },
    );
    await expect(failure).rejects.toMatchObject({
      code: 'read_failed',
      message: expect.stringContaining('byte 65536'),
    });
    expect(blob.slicedAt).toEqual([65_536, 65_536, 65_536]);
  });

  it('fails a stalled stream (it cannot be reopened) instead of waiting for ever', async () => {
    const failure = readPieces(
      stallingStream(randomBytes(1000), 500),
      () => {},
      () => false,
      { stallMs: 20 },
    );
    await expect(failure).rejects.toMatchObject({ code: 'read_failed' });
  });

  it('hashes a file whose read stalls once to the same MD5 as md5 of its bytes', async () => {
    const bytes = randomBytes(STREAM_BUFFER_BYTES + 12_345);
    const store = freshStore();
    const ctx = { ...context(store), readStallMs: 50 };
    const outcome = await hashStreamed(3, new StallingBlob(bytes, STREAM_BUFFER_BYTES), ctx);
    expect(outcome).toMatchObject({ type: 'done', results: [{ md5: md5hex(bytes), size: bytes.byteLength }] });
  });
});

/** A file whose whole reads (`arrayBuffer`) never answer the first `stalls` times. */
class StallingWholeFile extends File {
  asked = 0;
  constructor(
    content: Uint8Array<ArrayBuffer>,
    private readonly stalls: number,
  ) {
    super([content], 'stuck.csv');
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return ++this.asked <= this.stalls ? new Promise(() => {}) : super.arrayBuffer();
  }
}

describe('hashBatch', () => {
  it('hashes and stores each file of a batch, empty and duplicate files included', async () => {
    const a = randomBytes(3000);
    const files = [a, new Uint8Array(0), randomBytes(10), a].map((b) => new Blob([b]));
    const store = freshStore();
    const ctx = context(store);
    const outcome = await hashBatch(
      files.map((file, i) => ({ id: 10 + i, file })),
      ctx,
    );
    if (outcome.type !== 'done') throw new Error(`unexpected ${outcome.type}`);
    const expected = await Promise.all(files.map(async (f) => md5hex(new Uint8Array(await f.arrayBuffer()))));
    expect(outcome.results.map((r) => [r.id, r.md5, r.size])).toEqual(
      files.map((f, i) => [10 + i, expected[i], f.size]),
    );
    // The duplicate is stored once: exactly one of the two reports it new.
    expect(outcome.results.filter((r) => r.isNew).length).toBe(3);
    expect((await store.usage()).count).toBe(3);
    expect(ctx.progressed).toBe(files.reduce((n, f) => n + f.size, 0));
  });

  it('asks a stalled read again and hashes the file to the MD5 of its bytes', async () => {
    const bytes = randomBytes(5000);
    const file = new StallingWholeFile(bytes, 2);
    const outcome = await hashBatch([{ id: 1, file }], { ...context(freshStore()), readStallMs: 20 });
    expect(outcome).toMatchObject({ type: 'done', results: [{ id: 1, md5: md5hex(bytes), size: 5000 }] });
    expect(file.asked).toBe(3);
  });

  it('fails with a read error naming the file when its read stalls every time, storing nothing', async () => {
    const stuck = new StallingWholeFile(randomBytes(100), 99);
    const store = freshStore();
    const outcome = await hashBatch([{ id: 1, file: stuck }], { ...context(store), readStallMs: 10 });
    expect(outcome).toMatchObject({ type: 'failed', code: 'read_failed', stored: [] });
    expect(outcome.type === 'failed' && outcome.message).toMatch(/stuck\.csv.*stopped answering/);
    expect(stuck.asked).toBe(4);
    expect((await store.usage()).count).toBe(0);
  });

  it('stores none of a batch when the disk fills mid-batch, keeping earlier objects', async () => {
    const store = freshStore();
    const earlier = randomBytes(50);
    await store.put(objectId('md5', md5hex(earlier)), earlier);
    const files = Array.from({ length: 10 }, () => randomBytes(100));
    // The browser's IndexedDB takes a few rows of the batch, then refuses.
    const proto = IDBObjectStore.prototype;
    const realAdd = proto.add;
    let left = 4;
    proto.add = function (this: IDBObjectStore, ...a: Parameters<IDBObjectStore['add']>) {
      if (left-- <= 0) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realAdd.apply(this, a);
    };
    let outcome: Awaited<ReturnType<typeof hashBatch>>;
    try {
      outcome = await hashBatch(
        files.map((b, id) => ({ id, file: new Blob([b]) })),
        context(store),
      );
    } finally {
      proto.add = realAdd;
    }
    expect(outcome.type === 'failed' && [outcome.code, outcome.stored]).toEqual(['storage_full', []]);
    expect(await store.missing(files.map((b) => objectId('md5', md5hex(b))))).toHaveLength(files.length);
    expect(await store.usage()).toEqual({ count: 1, bytes: 50 });
  });

  it('skips a batch cancelled before it is read', async () => {
    const store = freshStore();
    const outcome = await hashBatch(
      [{ id: 0, file: new Blob(['x']) }],
      context(store, () => true),
    );
    expect(outcome).toEqual({ type: 'cancelled', stored: [] });
    expect((await store.usage()).count).toBe(0);
  });
});
